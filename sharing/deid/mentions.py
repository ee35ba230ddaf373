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
    r"(?:finger|thumb|palm|hand|voice|foot)[- ]?prints?|fingerprint\w*|"
    r"(?:retina|retinal|iris|vein|face|facial|finger)[- ]scans?|face ?ID|"
    r"(?:face|facial|voice|speaker)[- ]recognition|biometric\w*|motion capture|"
    r"genetic test\w*|(?:DNA|ADN) (?:test|sample|profile|kit|swab|result)s?|"
    r"empreintes?(?: (?:digitales?|palmaires?))?|reconnaissance (?:faciale|vocale)|"
    r"biom[ée]tri\w+|(?:test|prueba|muestra) (?:de |d')?ADN|capture (?:de|du) mouvement|"
    r"huellas?(?: (?:dactilar(?:es)?|digital(?:es)?))?|reconocimiento (?:facial|de voz)|"
    r"captura de movimiento|recogni[sz]\w* (?:her|his|their) (?:voice|face)"
)
_VOICE = (
    r"voice ?(?:notes?|memos?|messages?|recordings?|mails?)|audio (?:recording|message|file|"
    r"clip|note)s?|recording of (?:her|his|their|the) (?:voice|session)|recorded (?:her|him|"
    r"them|the session|our session)|(?:her|his|their) recorded voice|record(?:s|ed)? (?:the|"
    r"our) sessions?|messages? vocal|m[ée]mo vocal|vocal(?:e)? (?:WhatsApp|whatsapp)|"
    r"un vocal|enregistrement (?:vocal|audio|de (?:sa|la) voix|de la s[ée]ance)|voix "
    r"enregistr[ée]e|l'a enregistr[ée]e?|nota de voz|mensajes? de voz|audios?(?: (?:de (?:él|"
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
    r"photos?|photographs?|pictures?|pics?|snaps(?:hots?)?|images?|portraits?|videos?|"
    r"vid[ée]os?|v[íi]deos?|footage|clips?|fotos?|fotograf[íi]as?|im[áa]gen(?:es)?"
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
_OWNERS = r"(?:her|his|their|my|your|sa|son|ses|leur|leurs|su|sus|the|la|le|les|el|los|las)"
_OF = r"(?:of|from|showing|de|d'|d’|du|des|del)"
_PHOTO = re.compile(
    r"\b(?:selfies?|selfis?|photo ID|passport photos?|profile (?:picture|photo)s?|"
    r"(?:family|wedding|baby|school|holiday|childhood) (?:photos?|pictures?|videos?|albums?)|"
    r"photos? (?:de famille|d'identit[ée]|de profil|de (?:son |leur )?mariage)|"
    r"fotos? (?:familiar(?:es)?|de "
    r"familia|de perfil|de carn[ée]|de (?:la|su) boda)|v[íi]deos? de (?:su|la) boda|vid[ée]os? "
    rf"de (?:son|leur) mariage)\b|\b(?:{_PICTURE})\s+{_OF}\s*(?:{_PERSON})\b|\b(?:{_PICTURE})"
    rf"\s+(?:{_PERSON})\b|\b(?:{_PICTURE})\s+{_OF}\s*{_OWNERS}\s+(?:[\w'’-]+\s+){{0,3}}?"
    rf"(?:{_BODY}|{_either(' '.join(RELATIONS))})\b",
    re.IGNORECASE,
)


def find_mentions(text: str) -> Iterator[Finding]:
    """Mentions of biometrics (prints, recognition, voice recordings, movement videos) and
    of photos or videos of a person."""
    for m in _BIOMETRIC.finditer(text):
        yield finding(text, m.start(), m.end(), "biometric", "mentions a biometric record")
    for m in _PHOTO.finditer(text):
        yield finding(text, m.start(), m.end(), "photo", "mentions a photo or video of someone")
    for m in _FILMED.finditer(text):
        kind = (
            "biometric" if re.search(r"gait|walk|run|camina|marche", m.group(), re.I) else "photo"
        )
        yield finding(text, m.start(), m.end(), kind, "mentions filming or recording someone")
