"""Mentions of biometric identifiers and photographs of a person (Safe Harbor categories
16 and 17), in English, French and Spanish: a note that says a photo of the client's face
or a voice recording exists tells a reader that an identifying record exists, so the
phrase is flagged for the supervisee to reword ("the client showed me an image").

- biometric: fingerprints and other prints, face, iris, vein or voice recognition, DNA
  tests, motion capture; voice notes, voicemails, audio messages and recordings of a
  person or a session; videos of a person walking, running or moving;
- photo: selfies, family, profile, passport and wedding photos; a photo, picture or video
  of a person: of "her", "us", "his late wife", "her swollen ankle", "su cara".

Not mentions: a photo of a garden or of tomatoes, an X-ray, "she found her voice", "DNA of
the team", "recorded in my notes".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sharing.deid.finding import Finding, finding
from sharing.deid.names import RELATIONS


def _either(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


_PRINTS = (
    r"(?:finger|thumb|palm|hand|voice)[- ]?prints?|fingerprint\w*|"
    r"(?:retina|retinal|iris|vein|face|facial|finger)[- ]scans?|face ?ID|"
    r"(?:face|facial|voice|speaker)[- ]recognition|biometric\w*|motion capture|"
    r"genetic test\w*|(?:DNA|ADN) (?:test|sample|profile|kit|swab|result)s?|"
    r"empreintes? (?:digitales?|palmaires?)|(?:ses|leurs|les|des|mes) empreintes|"
    r"reconnaissance (?:faciale|vocale)|"
    r"biom[ée]tri\w+|(?:test|prueba|muestra) (?:de |d')?ADN|capture (?:de|du) mouvement|"
    r"huellas? (?:dactilar(?:es)?|digital(?:es)?)|(?:sus|las|mis) huellas|"
    r"reconocimiento (?:facial|de voz)|"
    r"captura de movimiento|signature (?:pads?|scans?|samples?|captures?)|"
    r"handwriting samples?|recogni[sz]\w* (?:her|his|their) (?:voice|face)|"
    r"(?:palm|hand|iris|retina|retinal|vein|face|facial|finger|fingerprint|thumb|thumbprint|"
    r"voice)[- ](?:scans?|scanners?|readers?|recognition|unlock\w*|check-ins?|log-?ins?|"
    r"sensors?|ID)|touch ?ID|voiceprints?|(?:her|his|their|your|my) prints|"
    r"(?:lecteur|capteur) d'empreintes?|(?:scanner|scan) (?:de l'iris|r[ée]tinien|facial)|"
    r"(?:lector|esc[áa]ner) (?:de (?:huellas?|iris|retina)|facial)|"
    r"genetic (?:test|testing|tests|sample|samples|screening|results?|profile|analysis)|"
    r"(?:test|tests|analyse|analyses|bilan|d[ée]pistage) g[ée]n[ée]tiques?|"
    r"(?:prueba|pruebas|an[áa]lisis|estudio|test) gen[ée]tic[oa]s?|ancestry (?:tests?|kits?)|"
    r"23andMe|AncestryDNA|"
    r"(?:motion|movement|biomechanical|running|gait) (?:analysis|assessment|study)|"
    r"analyse (?:du mouvement|biom[ée]canique)|an[áa]lisis (?:del movimiento|biomec[áa]nico)|"
    r"estudio biomec[áa]nico|(?:des|ses|les|de|deux|trois|plusieurs|mes) vocaux|"
    r"unlock\w* (?:[\w'’-]+ ){0,3}with (?:her|his|their|my|your) (?:face|finger|thumb)|"
    r"d[ée]verrouill\w+ (?:[\w'’-]+ ){0,3}avec (?:son|sa|le|la) (?:visage|doigt|pouce|empreinte)|"
    r"desbloque\w* (?:[\w'’-]+ ){0,3}con (?:la|su|el) (?:cara|huella|dedo)|"
    r"(?:DNA|ADN) (?:\w+ )?(?:tests?|samples?|profiles?|kits?|swabs?|results?|match\w*|"
    r"analysis|r[ée]sultats?|resultados?|pr[ée]l[èe]vements?)|"
    r"slo-?mo|slow[- ]motion (?:videos?|clips?|footage)|force[- ]plate (?:data|recordings?|"
    r"traces?)|registros? de (?:la )?plataforma|empreintes? plantaires?|"
    r"huellas? plantar(?:es)?|plantar (?:pressure|footprint)s?|"
    r"(?:electronic|digital|e-|scanned) ?signatures?|signatures? (?:[ée]lectroniques?|"
    r"num[ée]riques?|captured)|firmas? (?:digital(?:izada)?|electr[óo]nica)s?|"
    r"paternity tests?|maternity tests?|tests? de paternit[ée]|pruebas? de paternidad|"
    r"empreintes? vocales?|huellas? (?:de voz|vocal(?:es)?)|notes? vocales?|m[ée]mos? vocaux|"
    r"messages vocaux|(?:cheek|buccal|saliva|spit|DNA) (?:swabs?|samples?|kits?|tests?)|"
    r"(?:muestras?|pruebas?) de saliva|pr[ée]l[èe]vements? (?:salivaires?|buccaux|buccal)|"
    r"(?:genetic|gene|DNA) panels?|(?:ECG|EKG|heart[- ]rate|HRV|pulse) (?:tracings?|traces?|"
    r"data|readings?|recordings?|strips?)|(?:smart ?watch|Apple Watch|Garmin|Fitbit|Whoop|"
    r"Oura) (?:\w+ )?(?:data|ECG|EKG|tracings?|readings?|traces?|logs?)|donn[ée]es (?:de "
    r"(?:foul[ée]e|course|marche|sa montre)|biom[ée]caniques)|datos (?:de (?:la )?(?:marcha|"
    r"carrera|pisada|zancada)|biomec[áa]nicos)|registros? de (?:la )?(?:marcha|carrera|pisada)|"
    r"(?:tapis|cinta|treadmill) (?:de marche |de correr )?instrument\w+|instrumented treadmill|"
    r"analyse du p[ée]dalage|an[áa]lisis de(?:l)? pedaleo|(?:high[- ]speed|\d+ ?fps) (?:video|"
    r"camera|footage|clip)s?"
)
_VOICE = (
    r"voice ?(?:notes?|memos?|messages?|recordings?|mails?)|audio (?:recording|message|file|"
    r"clip|note)s?|recording of (?:her|his|their|the) (?:voice|session)|recorded (?:her|him|"
    r"them|the session|our session)|(?:her|his|their) recorded voice|record(?:s|ed)? (?:the|"
    r"our) sessions?|messages? vocal|m[ée]mo vocal|vocal(?:e)? (?:WhatsApp|whatsapp)|"
    r"un vocal|enregistrement (?:vocal|audio|de (?:sa|la) voix|de la s[ée]ance)|voix "
    r"enregistr[ée]e|l'a enregistr[ée]e?|notas? de voz|mensajes? de voz|audios?(?: (?:de (?:él|"
    r"ella|su voz)))?|grabaci[óo]n(?: de (?:su )?voz| de la sesi[óo]n)?|voz grabada"
)
_MOVING = r"walking|running|jogging|squatting|jumping|hopping|lunging|on the treadmill"
# filming or recording someone or the session: a record that shows a person
_FILMING = (
    r"film(?:s|ed|ing)? (?:part of |all of |the whole |some of )?(?:the session|her|him|them|"
    r"it)|recorded (?:her|his|their) (?:gait|walk\w*|run\w*)|filme (?:toute la |la |une partie de "
    r"la )?s[ée]ance|a film[ée] (?:la s[ée]ance|l'enfant|le b[ée]b[ée])|(?:lo|la|le|les) "
    r"(?:grab|film)\w+ con el m[óo]vil|grab[óo] (?:un )?v[íi]deo de c[óo]mo \w+"
)
_MOVEMENT = (
    rf"(?:gait|treadmill|running|walking|jumping|squat|slow[- ]motion|movement) (?:video|"
    r"footage|clip|analysis|recording)s?|videos? of (?:her|his|their) (?:running|walking|"
    r"gait|squats?|jumps?|movement|run|walk|landing)|(?:recorded|filmed|videoed) "
    rf"(?:[\w.]+ ){{0,2}}(?:{_MOVING})|vid[ée]o (?:de (?:sa|son) )?(?:marche|course|"
    r"d[ée]marche|foul[ée]e|saut)|(?:l'a |les a )?film[ée]e?s? (?:en train de )?(?:marcher|"
    r"courir)|(?:la |lo |le |les )?(?:grab|film)\w+ (?:caminando|corriendo|andando|"
    r"saltando)|v[íi]deo de (?:su )?(?:marcha|carrera|pisada|forma de caminar|salto)"
)
_BIOMETRIC = re.compile(rf"\b(?:{_PRINTS}|{_VOICE}|{_MOVEMENT})\b", re.IGNORECASE)
_FILMED = re.compile(rf"\b(?:{_FILMING})\b", re.IGNORECASE)

_PICTURE = (
    r"screen ?shots?|snaps?|stills?|snapshots?|clich[ée]s|retratos?|photos?|photographs?|"
    r"pictures?|pics?|images?|portraits?|videos?|vid[ée]os?|v[íi]deos?|footage|clips?|fotos?|fotograf[íi]as?|im[áa]gen(?:es)?"
)
_BODY = _either(
    """
    face faces head body knee knees ankle ankles leg legs arm arms hand hands foot feet
    back shoulder shoulders neck hip hips belly bump scar scars wound wounds bruise bruises
    bruising rash injury injuries swelling tattoo tattoos posture smile eyes hair skin
    visage tête corps genou genoux cheville chevilles jambe jambes bras main mains pied pieds
    dos épaule épaules cou hanche ventre cicatrice cicatrices plaie plaies bleu bleus
    hématome blessure gonflement tatouage sourire yeux cheveux peau cara rostro cabeza
    cuerpo rodilla rodillas tobillo tobillos pierna piernas brazo brazos mano manos pie pies
    thigh thighs cuisse cuisses muslo muslos
    espalda hombro hombros cuello cadera barriga tripa cicatriz cicatrices herida heridas
    moratón moratones hematoma lesión hinchazón tatuaje sonrisa ojos pelo piel
    """
)
_PERSON = _either(
    """
    her him them herself himself themselves us me elle lui eux elles nous ella él ellos
    ellas nosotros suya suyo suyas suyos
    """
)
# "a photo of the two of them", "une photo d'eux deux" is still of people
_GROUP = r"(?:(?:the |all )?(?:two|three|four|both|all)(?: of)? )?"
_PEOPLE = _either(
    """
    guy guys people person folks family team class gens personne personnes neveux nièces
    petits-enfants amis amies persona personas chico chica chicos chicas nietos nietas
    sobrinos sobrinas hijos hijas amigos amigas familia
    """
)
# a photo is most often of someone: any is flagged unless it is imaging, of a thing, or an
# idiom ("snaps at me")
_SNAP = re.compile(
    r"\b(?:photos?|photographs?|pics?|snaps|fotos?|fotograf[íi]as?)\b", re.IGNORECASE
)
_IMAGING = re.compile(
    r"(?:x-?rays?|mri|scans?|ultrasound|radiograph\w*|irm|radio|r[ée]sonance|resonancia|"
    r"ecograf\w*|radiograf\w*|[ée]chograph\w*|imaging|imagerie)\W+(?:[\w'’-]+\W+){0,2}$",
    re.IGNORECASE,
)
_THINGS = _either(
    """
    garden gardens house houses home flat apartment kitchen room rooms desk chair chairs car
    cars dog dogs cat cats pet pets puppy kitten horse food meal meals plate cake dinner view
    views sunset landscape sea mountain mountains document documents form forms letter
    prescription sheet exercise exercises equipment shoes trainers insoles allotment flowers
    plants tomatoes vegetables bike bicycle boat painting paintings drawing drawings artwork
    sculpture workstation set-up setup screen whiteboard diagram chart jardin maison
    appartement cuisine chambre bureau voiture chien chiens chat chats plat repas gâteau
    paysage mer montagne document ordonnance feuille exercices chaussures semelles fleurs
    plantes vélo potager jardín casa piso cocina habitación escritorio coche perro perros
    gato gatos comida plato tarta paisaje montaña receta hoja ejercicios zapatillas
    plantillas flores plantas huerto bici silla sillas poste sourdough bread loaf baking pain
    pan handout handouts leaflet leaflets brochure notes homework worksheet report results
    scan scans fiche fiches dépliant hojas folleto informe tomates légumes verduras
    """
)
_OF_THING = re.compile(
    rf"^\s+(?:(?:of|from|de|d['’]|du|des|del)\s*)?(?:[\w'’-]+\s+){{0,3}}?(?:{_THINGS})\b",
    re.IGNORECASE,
)
_HER_THING = re.compile(rf"^\s+(?:[\w'’-]+\s+){{0,2}}?(?:{_THINGS})\b", re.IGNORECASE)
# "her fingerprints are all over it": a trace, not a print
_NOT_PRINTS = re.compile(r"^\s+(?:are |were |is |was )?all over\b", re.IGNORECASE)
_SNAP_IDIOM = re.compile(r"^\s+(?:at|back|out|shut|off)\b", re.IGNORECASE)
# a concept, not a picture of anyone
_NOT_PHOTO = re.compile(r"image du corps|imagen corporal|body image", re.IGNORECASE)
_OWNERS = r"(?:her|his|their|my|your|sa|son|ses|leur|leurs|su|sus|the|la|le|les|el|los|las)"
_OF = r"(?:of|from|showing|de|d'|d’|du|des|del)"
_PHOTO = re.compile(
    r"\b(?:(?:doorbell|dash-?cam|body-?cam|ring camera|nanny-?cam|webcam) ?(?:footage|videos?|"
    r"clips?|cameras?|recordings?)?|dash-?cams?|body-?cams?|"
    r"selfies?|selfis?|photo ID|passport photos?|profile (?:picture|photo)s?|CCTV|"
    r"(?:surveillance|security) (?:footage|videos?|cameras?)|vid[ée]osurveillance|"
    r"(?:cam[ée]ras?|c[áa]maras?) de (?:surveillance|seguridad|vigilancia)|videovigilancia|"
    r"(?:family|wedding|baby|school|holiday|childhood|team|class|senior|graduation|prom|"
    r"yearbook|group|license|licence|passport|ID|mug) (?:photo(?:graph)?s?|pictures?|"
    r"videos?|albums?|portraits?)|mugshots?|fotos? del (?:DNI|pasaporte|carn[ée])|"
    r"photos? (?:de (?:son|sa) )?(?:passeport|permis|carte d'identit[ée])|"
    r"photos? (?:de famille|d'identit[ée]|de profil|de (?:son |leur )?mariage)|"
    r"fotos? (?:familiar(?:es)?|de "
    r"familia|de perfil|de carn[ée]|de (?:la|su) boda)|v[íi]deos? de (?:su|la) boda|vid[ée]os? "
    rf"de (?:son|leur) mariage)\b|\b(?:{_PICTURE})\s+{_OF}\s*{_GROUP}(?:{_PERSON})\b|"
    rf"\b(?:{_PICTURE})\s+(?:{_PERSON})\b|\b(?:{_PICTURE})\s+(?:{_OF}\s*{_OWNERS}\s+|(?:del|du)\s+|"
    rf"de l['’]|de (?:la|los|las)\s+)(?:[\w'’-]+\s+){{0,3}}?"
    rf"(?:{_BODY}|{_PEOPLE}|{_either(' '.join(RELATIONS))})\b",
    re.IGNORECASE,
)


# a record word near a movement word, either way round: "la vidéo de marche", "análisis
# de la pisada en vídeo", "we videoed her run", "treadmill footage"
_RECORD = (
    r"videos?|vid[ée]os?|v[íi]deos?|videoed|footage|clips?|films?|filmed|filming|film[ée]e?s?|"
    r"grab\w*|film\w*|recordings?|recorded|enregistr\w*|analysis|analyse|an[áa]lisis|capture|"
    r"captura|fotogramas?|slow[- ]?mo(?:tion)?"
)
_MOVE = (
    r"gait|walk\w*|run|runs|running|jog\w*|strides?|squats?|squatting|jump\w*|landing|hop\w*|"
    r"lunges?|lunging|sprint\w*|treadmill|marche|marcher|course|courir|foul[ée]es?|d[ée]marche|"
    r"sauts?|sauter|tapis|pisada|marcha|carrera|correr|caminar|andar|zancada|saltos?|saltar|"
    r"recepci[óo]n|cinta|caminando|corriendo|saltando|andando|pitch\w*|throw\w*|swing\w*|"
    r"serve|serving|delivery|stroke|kick\w*|lancer|lancers|lanzamientos?|golpeo|batidas?|"
    r"p[ée]dalage|pedaleo|pedal\w*|cycling|swim\w*|lift\w*|nage|nataci[óo]n"
)
# footprints taken on a plate or mat, not the trace a person leaves in a life
_FOOTPRINTS = r"footprints?|foot prints?"
_PLATE = r"plates?|platforms?|mats?|barefoot|pressure|podoscope|scans?|scanner"
# a person's voice or a session kept as sound
_SOUND = (
    r"sessions?|s[ée]ances?|sesi[óo]n|sesiones|voice|voix|voz|conversations?|conversaci[óo]n|"
    r"conversaciones|arguments?|fights?|rows|calls|phone calls?|disputes?|discussions?|"
    r"discusi[óo]n|discusiones|peleas?|engueulades?|appels?|llamadas?"
)
_SOUND_RECORD = r"record\w*|tape[sd]?|taping|enregistr\w*|grab\w*|dictaphone|audio"
# a still of someone's face on a call
_SCREEN = (
    r"capturas?|screen ?shots?|screen ?grabs?|captures? d'[ée]cran|capturas? de pantalla|"
    r"pantallazos?"
)
_CALL = (
    r"video ?calls?|zoom|facetime|teams|skype|whatsapp|visio\w*|appel vid[ée]o|"
    r"videollamadas?|face|faces|visage|cara|her|him|them|elle|lui|ella|[ée]l|llorando|crying"
)
# photographing someone or their body
_SHOOT = (
    r"photograph(?:ed|ing)?|photographi\w+|fotografi\w+|snapped|filmed|videoed|took (?:a |some )?"
    r"(?:photos?|pics?|pictures?|snaps?|shots?) of|pris en photo|sac[óo] (?:una )?fotos? (?:a|de)"
)
_SHOT = re.compile(
    rf"\b(?P<verb>{_SHOOT})\s+(?:[\w'’-]+\s+){{0,3}}?(?:{_BODY}|{_PEOPLE}|incision|incisions|"
    rf"cicatrice|cicatriz|wound|plaie|herida|{_either(' '.join(RELATIONS))}|her|him|them)\b",
    re.IGNORECASE,
)
# a recording of anyone is a record of their voice or image, unless it is written notes
_RECORDED = re.compile(
    r"\b(?:(?:re-?)?recorded|recordings?|(?:secretly |covertly )?recording|enregistr[ée]e?s?|"
    r"enregistrements?|enregistrait|grab[óo]|grabado|grabada|grabaciones|grabaci[óo]n|"
    r"grabando|grabar(?:lo|la|le|les)?|audios?|dictations?|dictaphone|"
    r"voicemails?|voice ?notes?)\b",
    re.IGNORECASE,
)
_WRITTEN = re.compile(
    r"^\s+(?:[\w'’-]+\s+){0,4}?(?:notes?|file|chart|plan|diary|journal|notebook|log|themes?|"
    r"progress|summary|observations?|findings?|ROM|baseline|measurements?|details?|"
    r"system|EHR|EMR|record|records|dossier|fiche|historia|expediente|registro|cuaderno|"
    r"agenda|minutes|outcome|outcomes|scores?|measures?|goals?|in writing)\b",
    re.IGNORECASE,
)
# a video call is not a recording of anyone
_NOT_RECORD = re.compile(
    r"\s*(?:on|about|sur|sobre|calls?|sessions?|consult\w*|appointments?|appels?|s[ée]ances?|consultas?|"
    r"llamadas?|sesi[óo]n)\b",
    re.IGNORECASE,
)


def _near(text: str, first: str, second: str, gap: int) -> Iterator[tuple[int, int]]:
    """Spans holding a word of `first` and one of `second` at most `gap` words apart,
    in either order."""
    words = r"(?:[\w'’-]+\s+)"
    pattern = re.compile(
        rf"\b(?:{first})\s+{words}{{0,{gap}}}?(?:{second})\b|"
        rf"\b(?:{second})\s+{words}{{0,{gap}}}?(?:{first})\b",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        yield m.start(), m.end()


def _movement_records(text: str) -> Iterator[tuple[int, int]]:
    for start, end in _near(text, _RECORD, _MOVE, 3):
        word = re.match(r"[\w-]+", text[start:end])
        # "a video call", "the video on lifting technique": no one is recorded
        tail = text[start + len(word.group()) :] if word else ""
        if word and word.group().lower().startswith(("vid", "víd")) and _NOT_RECORD.match(tail):
            continue
        yield start, end


def _any_photos(text: str) -> Iterator[tuple[int, int]]:
    """Photos not of imaging, of a thing, or an idiom."""
    for m in _SNAP.finditer(text):
        before, after = text[max(0, m.start() - 40) : m.start()], text[m.end() :]
        if _IMAGING.search(before) or _OF_THING.match(after):
            continue
        if m.group().lower() == "snaps" and _SNAP_IDIOM.match(after):
            continue
        yield m.start(), m.end()


def find_mentions(text: str) -> Iterator[Finding]:
    """Mentions of biometrics (prints, recognition, voice recordings, movement videos) and
    of photos or videos of a person."""
    for m in _BIOMETRIC.finditer(text):
        if _NOT_PRINTS.match(text[m.end() :]):
            continue
        yield finding(text, m.start(), m.end(), "biometric", "mentions a biometric record")
    photos = []
    for m in _PHOTO.finditer(text):
        if _NOT_PHOTO.search(m.group()):
            continue
        if m.group().lower().endswith("her") and _HER_THING.match(text[m.end() :]):
            continue
        photos.append((m.start(), m.end()))
        yield finding(text, m.start(), m.end(), "photo", "mentions a photo or video of someone")
    for start, end in _any_photos(text):
        if not any(s < end and start < e for s, e in photos):
            yield finding(text, start, end, "photo", "mentions a photo, perhaps of someone")
    for m in _FILMED.finditer(text):
        kind = (
            "biometric" if re.search(r"gait|walk|run|camina|marche", m.group(), re.I) else "photo"
        )
        yield finding(text, m.start(), m.end(), kind, "mentions filming or recording someone")
    for start, end in _movement_records(text):
        yield finding(text, start, end, "biometric", "mentions a video of someone moving")
    for m in _SHOT.finditer(text):
        if _OF_THING.match(text[m.end("verb") :]):
            continue
        yield finding(text, m.start(), m.end(), "photo", "mentions photographing someone")
    for m in _RECORDED.finditer(text):
        if not _WRITTEN.match(text[m.end() :]):
            yield finding(text, m.start(), m.end(), "biometric", "mentions a recording")
    for start, end in _near(text, _FOOTPRINTS, _PLATE, 4):
        yield finding(text, start, end, "biometric", "mentions a footprint taken of someone")
    for start, end in _near(text, _SOUND_RECORD, _SOUND, 3):
        yield finding(text, start, end, "biometric", "mentions a recording of a voice")
    for start, end in _near(text, _SCREEN, _CALL, 4):
        yield finding(text, start, end, "photo", "mentions a screenshot of someone")
