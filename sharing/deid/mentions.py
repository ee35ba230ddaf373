"""Mentions of biometric identifiers and full-face photographs (Safe Harbor categories
16 and 17), in English, French and Spanish: a note that says a photo of the client's face
or a voice recording exists tells a reader that an identifying record exists, so the
phrase is flagged for the supervisee to reword ("the client showed me an image").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sharing.deid.finding import Finding, finding

_OWNER = r"(?:(?:of|from|de|del|d'|of her|of his|de su|de sa|de son) ?[\w'’ -]{0,40}?)?"
_BIOMETRIC = re.compile(
    r"\b(?:(?:her|his|their|the|a|an|son|sa|ses|su|sus|un|une|una|la|le|les)\s+)?"
    r"(?:(?:right|left)\s+)?"
    r"(?:finger ?prints?|fingerprint scan|thumb ?prints?|palm ?prints?|retina(?:l)? scan|"
    r"iris scan|face ?id|facial recognition|voice ?prints?|voice (?:recording|memo|note|"
    r"message)s?|recording of (?:her|his|their) voice|gait (?:video|analysis video|"
    r"recording)s?|video of (?:her|his|their) (?:walk|gait|walking)\w*|DNA(?: test| sample| "
    r"profile)?|empreintes? (?:digitales?|palmaires?)|reconnaissance faciale|"
    r"enregistrement (?:vocal|audio|de sa voix)|message vocal|vidéo de (?:sa|son) "
    r"(?:marche|démarche)|huellas? (?:dactilar(?:es)?|digital(?:es)?)|reconocimiento "
    r"facial|grabación de (?:su )?voz|nota de voz|audio de (?:su )?voz|voz grabada|"
    r"vídeo de (?:su )?(?:marcha|forma de caminar)|ADN)\b" + _OWNER,
    re.IGNORECASE,
)
_PHOTO = re.compile(
    r"\b(?:(?:a|an|the|her|his|their|une|un|la|le|sa|son|ses|una|un|su|sus)\s+)?"
    r"(?:selfies?|photos?|photographs?|pictures?|pics?|snaps?|images?|portraits?|"
    r"vid[ée]os?|headshots?|fotos?|fotograf[íi]as?|im[áa]genes|imagen)"
    r"\s+(?:of|from|de|du|des|del|d'|showing|with)\s+(?:(?:her|his|their|herself|himself|"
    r"themselves|son|sa|ses|su|sus|the|la|le|el|before|after|her own|his own)\s*)*"
    r"(?:face|faces|head|visage|cara|rostro|selfie|wedding|boda|mariage|herself|himself|"
    r"themselves|transition|injur\w+|bruis\w+|scar\w*|tattoo\w*|body|corps|cuerpo|"
    r"[\w'’-]+\s+(?:shape|face))[\w'’ -]{0,30}?(?=[.,;:!?)]|$|\s(?:and|to|for|that|which|"
    r"taken|on|in|et|y|que|pour|para|à|a)\b)"
    r"|\bselfies?\b(?:\s+(?:from|of|de)\s+[\w'’ -]{1,30}?(?=[.,;:!?)]|$))?",
    re.IGNORECASE,
)


_PERSON = (
    r"(?:her|him|them|herself|himself|themselves|his|their|the client|the patient|my client|"
    r"my|the|a|an|mon|ma|mes|la|le|les|un|une|el|los|las|una|"
    r"the family|elle|lui|eux|elles|soi|ella|él|ellos|ellas|suya|suyo|sus|su|sa|son|ses|"
    r"le patient|la patiente|el paciente|la paciente)"
)
_PHOTO_OF_SOMEONE = re.compile(
    r"\b(?:(?:a|an|the|her|his|their|une|un|la|le|sa|son|ses|una|su|sus|des|unas|unos)\s+)?"
    r"(?:(?:old|recent|new|wedding|holiday|family|school|baby|passport|profile)\s+)?"
    r"(?:selfies?|photos?|photographs?|pictures?|pics?|images?|portraits?|videos?|vidéos?|"
    r"vídeos?|fotos?|fotografías?|clips?|films?|snapshots?|footage|Polaroids?|headshots?)"
    r"(?:\s+(?:on|from|in)\s+(?:her|his|their|son|sa|su)\s+(?:phone|Instagram|Facebook|"
    r"camera|téléphone|portable|móvil|teléfono|m[oó]vil))?"
    r"\s+(?:of|de|d'|d’|du|del|showing|where|where you can see|où l'on voit|donde se ve)"
    rf"\s*{_PERSON}"
    r"(?:\s+[\w'’-]+){0,4}?(?=[.,;:!?)]|$|\s(?:and|to|for|that|which|on|et|y|que|pour|para)\b)"
    r"|\b(?:photos?|pictures?|selfies?|fotos?|vídeos?|videos?|vidéos?)\s+(?:suya|suyo|suyas|"
    r"suyos|of us|of the two of us|of the family|de nosotros|de los dos|de nous|d'elle|de lui)\b"
    r"|\b(?:photo ID|passport photo|profile (?:picture|photo)|photographed (?:her|him|them)|"
    r"filmed (?:her|him|them)|l'a photographiée?|la fotografió|lo fotografió)\b",
    re.IGNORECASE,
)


# Any mention of a biometric record or of filming or recording someone, in a few words.
_RECORDED = re.compile(
    r"\b(?:fingerprint\w*|thumbprint\w*|finger-print\w*|retina\w*|iris (?:scan|recognition)|"
    r"biometric\w*|voicemails?|voice ?notes?|audio (?:recording|file|clip|note)s?|"
    r"(?:video|audio)[- ]?record(?:ed|ing)s?|recorded (?:her|him|them|herself|himself|the "
    r"session|it)|record(?:s|ed)? (?:the|our) sessions?|gait \w+|motion capture|"
    r"genetic test\w*|DNA|empreinte\w*|biométri\w+|vocal\w* (?:WhatsApp|whatsapp)|"
    r"mémo vocal|a (?:filmé|enregistré)|l'a (?:filmée?|enregistrée?)|filme\w*|"
    r"huellas?|biometr\w+|grab(?:ó|aron|ación|ado|ada|ar|a)\b|lo grabaron|la grabaron|"
    r"film(?:ed|ing|ó|aron)|(?:face|facial|voice|speaker|iris|retina|palm|vein)[- ]"
    r"(?:recognition|recognising|recognizing|ID|scan\w*|unlock\w*)|"
    r"recogni[sz](?:es|ed|ing|e) (?:her|his|their|the client's|the patient's) (?:voice|face)|"
    r"reconn\w+ (?:sa|leur) (?:voix|visage)|reconoc\w+ (?:su) (?:voz|cara)|"
    r"(?:treadmill|running|gait|walking|slow[- ]motion|phone|video) (?:video|footage|clip)s?|"
    r"vid[ée]o (?:de (?:course|marche)|sur (?:tapis|le tapis))|"
    r"v[íi]deo (?:en|de) (?:cinta|carrera))\b",
    re.IGNORECASE,
)


def find_mentions(text: str) -> Iterator[Finding]:
    """Mentions of biometrics (fingerprints, voice recordings, gait videos) and photos."""
    for m in [*_BIOMETRIC.finditer(text), *_RECORDED.finditer(text)]:
        end = m.start() + len(m.group().rstrip(" ,"))
        yield finding(text, m.start(), end, "biometric", "mentions a biometric record")
    photos = [*_PHOTO.finditer(text), *_PHOTO_OF_SOMEONE.finditer(text)]
    for m in photos:
        end = m.start() + len(m.group().rstrip(" ,"))
        yield finding(text, m.start(), end, "photo", "mentions a photo or video of someone")
