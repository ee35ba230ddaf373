"""Person names, read word by word against open first-name and surname lists.

A word is a name when it is a first name that is no ordinary word ("Gareth", "Léa", "jen"
in lower case too), wherever it stands, the start of a sentence included; a first name
that is also a word ("Grace", "Will", "Pierre", "Paz") when it stands where a name stands:
inside a sentence with a capital, or at its start followed by what a person does ("Grace
spoke", "Hope moved", "Pierre, 34 ans"), or after a relation or title ("her sister hope",
"sa sœur camille"); a surname inside a sentence or after a first name or title.

Never a name: eponyms where they name a test, sign, scale or syndrome ("Thomas test",
"signe de Lasègue", "Bell's palsy"), theorists, drugs and brands (clinical_terms.txt),
months, weekdays and languages, and the words that start sentences in the three languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from sharing.deid import lexicon
from sharing.deid.finding import Finding, finding

# a word; French elisions ("d'Erwan", "l'Inès") stand apart from the name they precede
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_ELISION = re.compile(r"(?i)^(?:qu|[dljnscmt])['’](?=[^\W\d_])")


def _set(words: str) -> frozenset[str]:
    return frozenset(lexicon.fold(w) for w in words.split())


TITLES = _set(
    """
    mr mrs ms miss mx dr prof professor sir dame rev revd reverend cllr sister nurse coach
    m mme mlle madame monsieur mademoiselle docteur pr maître
    sr sra srta señor señora señorita don doña dña dra
    """
)
RELATIONS = _set(
    """
    son daughter wife husband partner mother father mum mom mam dad boss brother sister
    friend girlfriend boyfriend fiancé fiancée colleague manager supervisor grandson
    granddaughter grandmother grandfather grandma grandad grandpa granny nan gran aunt
    uncle cousin niece nephew child kid baby carer teacher neighbour neighbor flatmate
    housemate roommate lodger landlord landlady ex ex-wife ex-husband sibling twin
    stepmother stepfather stepmum stepdad stepson stepdaughter gp physio therapist
    counsellor counselor doctor consultant surgeon coach tutor mentor employer
    fils fille femme mari époux épouse compagnon compagne conjoint conjointe père mère
    frère sœur soeur tante oncle cousine neveu nièce grand-mère grand-père petit-fils
    petite-fille copain copine ami amie patron patronne chef collègue voisin voisine
    médecin kiné kinésithérapeute psychiatre belle-mère beau-père belle-sœur beau-frère
    trainer instructor nanny babysitter woman man girl boy lady gentleman brothers sisters
    sons daughters parents children kids grandchildren professeur maîtresse nounou
    enfants frères sœurs parents homme garçon dame entrenador entrenadora profesor
    profesora hermanos hermanas hijos hijas padres hombre chica chico señor mate pa agent
    midwife carer caregiver nanny pastor priest vicar imam rabbi boss lawyer solicitor
    attorney accountant trainer keyworker caseworker officer sponsor godmother godfather
    sage-femme avocat avocate parrain marraine curé matrona abogado abogada padrino madrina
    pt doc papa mama maman mamie papi papy mami mamá papá aita amatxo abuelita yaya
    yayo tata
    hijo hija esposa esposo marido mujer pareja novio novia padre madre hermano hermana
    tía tío primo prima sobrino sobrina abuela abuelo nieto nieta jefe jefa compañero
    compañera amigo amiga vecino vecina médico suegra suegro cuñado cuñada
    """
)
# Verbs after which the next word is a person ("saw tom again", "vu Jean-Marc").
MEETING_VERBS = _set(
    """
    saw seen met called named nicknamed texted told asked phoned rang emailed messaged
    thanked married divorced dating hugged invited call ask tell email phone ring text
    meet see thank invite contact with vu vue revu revue rencontré appelé appelée
    prénommé prénommée vi visto llamado llamada llamé conocí
    """
)
# What a person does, right after their name at the start of a sentence.
PERSON_VERBS = _set(
    """
    said says spoke speaks told tells arrived arrives came comes cried cries laughed
    laughs talked talks mentioned mentions described describes reported reports felt
    feels seemed seems looked looks wants wanted asked asks admitted admits brought
    brings left leaves missed misses cancelled canceled texted texts emailed rang
    phoned called calls smiled smiles sat sits walked walks moved moves stayed stays
    has had is was isn't wasn't doesn't didn't will would can could started starts
    stopped stops finished finishes got gets went goes gave gives took takes made makes
    kept keeps needs needed tried tries thinks thought knows knew turned turns became
    lives lived works worked worries worried cares cared rated rates scored scores
    returned returns showed shows shared shares disclosed discloses denied denies
    reached reaches agreed agrees refused refuses struggled struggles managed manages
    opened opens avoided avoids presents presented revealed reveals joined joins
    vuelve volvió habla cuenta trae trajo llora sonríe sonrió explica explicó repite
    repitió insiste insistió reconoce reconoció confiesa confesó
    est était a avait arrive arrivé arrivée revient revenu revenue parle parlé dit dira
    raconte raconté pleure pleuré semble semblait souhaite voulait veut vient venue
    venu consulte consulté m'a m'avait me se s'est s'était n'a n'est travaille vit
    llegó llega llegaba dijo dice contó cuenta habló habla vino viene está estaba es
    era tiene tenía ha había me se lloró llora parece parecía quiere quería trabaja
    vive sigue siguió
    """
)
# What only a person does: after a capitalised word no list knows, it makes it a name.
ANIMATE_VERBS = _set(
    """
    said says told tells talked talks spoke speaks arrived arrives cried cries laughed
    laughs mentioned mentions described describes admitted admits asked asks texted
    emailed rang phoned cancelled canceled smiled smiles sighed shrugged insisted
    insists explained explains joked jokes agreed agrees refused refuses denied denies
    disclosed discloses attended attends
    dijo dice contó cuenta habló habla llegó llega lloró llora vino viene explicó
    explica reconoce reconoció
    dit raconte raconté parle parlé pleure pleuré arrive explique expliqué
    """
)
# Nouns that make the capitalised word before them an eponym ("Thomas test").
EPONYM_AFTER = _set(
    """
    test tests sign signs syndrome disease palsy scale score scores index inventory
    questionnaire manoeuvre maneuver technique techniques method approach concept
    concepts model cycle group groups fracture reflex position criteria classification
    stage stages phenomenon effect law type procedure protocol mobilisation
    mobilisations mobilization mobilizations release theory therapy therapies contract
    triangle drama matrix ratio angle line lines point points exercise exercises
    manipulation technique chart stretch curl press squat bridge hold
    """
)
# Nouns before "de"/"d'"/"du" that make the next capitalised word an eponym.
EPONYM_BEFORE = _set(
    """
    test tests signe maladie syndrome échelle score méthode technique manœuvre manoeuvre
    paralysie indice index questionnaire loi classification théorie triade concept
    prueba signo síndrome enfermedad escala índice maniobra método técnica parálisis
    cuestionario ley teoría
    """
)
_SAW = _set("saw met seen vu vue revu revue vi visto conocí")
_CONNECTORS = _set("and or & et ou y e o")
# Words that may stand between a name and what the person does ("Faith again raised").
_ADVERBS = _set(
    """
    again also still then finally never always just really later once
    encore aussi toujours también todavía siempre
    """
)
_ARTICLES = _set("a an the la le les el los las un une una uno")


class _Token:
    __slots__ = ("start", "end", "word", "base", "key")

    def __init__(self, start: int, end: int, word: str) -> None:
        self.start, self.end, self.word = start, end, word
        self.base = word[:-2] if word.endswith(("'s", "’s")) else word
        self.key = lexicon.fold(self.base)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _WORD.finditer(text):
        elision = _ELISION.match(m.group())
        if elision and m.group()[elision.end()].isupper():
            tokens.append(
                _Token(m.start(), m.start() + elision.end() - 1, m.group()[: elision.end() - 1])
            )
            tokens.append(_Token(m.start() + elision.end(), m.end(), m.group()[elision.end() :]))
        else:
            tokens.append(_Token(m.start(), m.end(), m.group()))
    return tokens


def find_names(text: str) -> Iterator[Finding]:
    """Every word of `text` that reads as a person's name, with why (the same word used
    again elsewhere in the text is `named_again`'s)."""
    tokens = _tokens(text)
    named: set[int] = set()
    for i, token in enumerate(tokens):
        reason = _name_reason(text, tokens, i, named)
        if reason:
            named.add(i)
            yield finding(text, token.start, token.start + len(token.base), "name", reason)


def named_again(text: str, names: Iterable[str]) -> Iterator[Finding]:
    """Every use in `text` of a word of `names` (found as names in it): once a word is a
    name in a note, its other uses are too ("Dom and Frankie. Dom is 44"); a name that is
    also a word only where it is capitalised ("Will", not "will")."""
    keys = {lexicon.fold(word): word for name in names for word in _WORD.findall(name)}
    tokens = _tokens(text)
    for i, token in enumerate(tokens):
        if token.key not in keys or _eponym(text, tokens, i):
            continue
        ordinary = (
            _first_name(token.base) == "word" or _never(token) or lexicon.ordinary_word(token.base)
        )
        if _capitalised(token.base) or not ordinary:
            reason = f"the name {keys[token.key]!r} again"
            yield finding(text, token.start, token.start + len(token.base), "name", reason)


def _name_reason(text: str, tokens: list[_Token], i: int, named: set[int]) -> str | None:
    token = tokens[i]
    if len(token.base) < 2 or _eponym(text, tokens, i):
        return None
    capital = _capitalised(token.base)
    first = _first_name(token.base)
    if _never(token):
        return _common_word_as_name(text, tokens, i, capital and first is not None)
    if capital and first == "name":
        return "a first name"
    if capital and _in_brackets_after_a_name(text, tokens, i, named):
        return "a name in brackets after a name"
    if _bracketed_name_follows(text, tokens, i) and (capital or first):
        return "a name with another in brackets after it"
    if _opens_the_note(text, tokens, i) and (first or (capital and _unknown(token))):
        return "the name a note starts with"
    # in lower case only a plain first name, or one after a relation not in the possessive
    lower_ok = first == "name" or (
        first
        and i >= 1
        and (tokens[i - 1].key in RELATIONS or tokens[i - 1].key in _SAW)
        and not _possessive(tokens[i - 1])
    )
    if _after_cue(text, tokens, i) and (capital or lower_ok):
        return f"a name after {tokens[i - 1].word!r}"
    starts = sentence_start(text, token.start)
    if not capital:
        return _lower_case_reason(text, tokens, i, named, first, starts)
    if first == "word" and (not starts or _acts(text, tokens, i)):
        return "a first name standing where a name stands"
    if i - 1 in named and text[tokens[i - 1].end : token.start] == " ":
        return "a surname after a first name"
    family = lexicon.surname(token.base)
    town = lexicon.place(token.base) is not None
    if family == "name" and not town and (not starts or _acts(text, tokens, i)):
        return "a surname"
    if _possessive(token) and (family or (not starts) or _unknown(token)):
        return "a capitalised possessive, usually a person"
    if _animate(text, tokens, i) and not _known_word(token):
        return "a capitalised word before what a person does"
    if _unknown(token) and _described(text, tokens, i):
        return "a capitalised word followed by an age or a nationality"
    return None


def _common_word_as_name(text: str, tokens: list[_Token], i: int, may_be_name: bool) -> str | None:
    """ "Will reports less pain", "his son Will": a first name that is also a function
    word, only where it can be nothing else."""
    if not may_be_name or tokens[i].key in RELATIONS or tokens[i].key in TITLES:
        return None
    if _bracketed_name_follows(text, tokens, i):
        return "a name with another in brackets after it"
    if _after_cue(text, tokens, i) and tokens[i - 1].key in RELATIONS:
        return f"a name after {tokens[i - 1].word!r}"
    return "a first name before what a person does" if _animate(text, tokens, i) else None


_OPENERS = (" (", " ('", ' ("', " (‘", " (“", " «", ' "', " '")


def _bracketed_name_follows(text: str, tokens: list[_Token], i: int) -> bool:
    """ "Mo (Mohamed Abdi)", "Jojo (Joséphine)": a nickname, then the name in brackets."""
    if i + 1 >= len(tokens) or text[tokens[i].end : tokens[i + 1].start] not in _OPENERS:
        return False
    inside = tokens[i + 1]
    return _capitalised(inside.base) and (_first_name(inside.base) is not None or _unknown(inside))


def _opens_the_note(text: str, tokens: list[_Token], i: int) -> bool:
    """The first word of the note or of a line, followed by a comma, a dash, a bracket or a
    colon: "Isla, 34 weeks", "dom - hurried", "Summer (hospice RN)"."""
    before = text[: tokens[i].start].rstrip(" \t*•-")
    if before and not before.endswith("\n"):
        return False
    return re.match(r"(?:,| ?[-–—:(])", text[tokens[i].end : tokens[i].end + 3]) is not None


def _described(text: str, tokens: list[_Token], i: int) -> bool:
    """ "Chinedu, Nigerian,", "Tendai, 31,": a word followed by an age or a nationality."""
    after = text[tokens[i].end : tokens[i].end + 6]
    if re.match(r", \d{1,2}\b", after):
        return True
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None or text[tokens[i].end : nxt.start] != ", ":
        return False
    if nxt.key in lexicon.wordlist("calendar_words"):
        return nxt.key not in _MONTHS_AND_DAYS
    return _capitalised(nxt.base) and nxt.key.endswith(_NATIONALITY_ENDINGS)


def _unknown(token: _Token) -> bool:
    """A word none of the lists knows: most often a name from elsewhere ("Tendai")."""
    return (
        not _known_word(token)
        and not lexicon.english_word(token.base)
        and lexicon.surname(token.base) is None
        and token.key not in ANIMATE_VERBS
        and not token.key.endswith(("ed", "ing", "ly"))
    )


def _in_brackets_after_a_name(text: str, tokens: list[_Token], i: int, named: set[int]) -> bool:
    """ "Mr Achebe (Chidi)": a first name given in brackets after the surname."""
    return i - 1 in named and text[tokens[i - 1].end : tokens[i].start].strip() == "("


def _animate(text: str, tokens: list[_Token], i: int) -> bool:
    """Followed by a verb only a person does ("Ade talked"), a pronoun set ("(she/her)")
    or, as a possessive, a relation ("Sergi's partner")."""
    after = text[tokens[i].end : tokens[i].end + 12]
    if re.match(r" ?\((?:he|she|they|xe|ze|il|elle|iel|él|ella)/", after, re.IGNORECASE):
        return True
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None or text[tokens[i].end : nxt.start] != " ":
        return False
    if _possessive(tokens[i]):
        return nxt.key in RELATIONS
    return nxt.key in ANIMATE_VERBS


def _known_word(token: _Token) -> bool:
    """A word the lists know as something other than a first name or surname."""
    return (
        lexicon.place(token.base) is not None
        or token.key in PERSON_VERBS
        or token.key in EPONYM_AFTER
        or token.key in EPONYM_BEFORE
    )


def _lower_case_reason(
    text: str, tokens: list[_Token], i: int, named: set[int], first: str | None, starts: bool
) -> str | None:
    """ "saw tom", "jordan rang", "olivia bennett": lower case only where a name stands."""
    if first is None or len(tokens[i].key) < 3:
        return None
    if starts and (first == "name" or _acts(text, tokens, i)):
        return "a first name in lower case at the start of a sentence"
    if first == "name" and i - 1 in named and text[tokens[i - 1].end : tokens[i].start] == " ":
        return "a name after a name"
    if i >= 2 and tokens[i - 1].key in _CONNECTORS and i - 2 in named:
        return "a name joined to another by 'and'"
    return None


def _never(token: _Token) -> bool:
    return (
        token.key in lexicon.wordlist("function_words")
        or token.key in lexicon.wordlist("calendar_words")
        or lexicon.clinical(token.base)
        or token.key in TITLES
        or token.key in RELATIONS
    )


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and any(ch.islower() for ch in word)


def _possessive(token: _Token) -> bool:
    return token.word != token.base


def _first_name(word: str) -> str | None:
    """The first-name reading of a word, hyphenated ones ("Jean-Marc") by their parts."""
    found = lexicon.first_name(word)
    if found is None and "-" in word:
        parts = [lexicon.first_name(part) for part in word.split("-")]
        if all(parts):
            return "name" if "name" in parts else "word"
    return found


def _eponym(text: str, tokens: list[_Token], i: int) -> bool:
    """ "Thomas test", "Phalen's sign", "signe de Lasègue", "escala de Barthel"."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and nxt.key in EPONYM_AFTER:
        return True
    after = text[tokens[i].end : tokens[i].end + 12]
    if _possessive(tokens[i]) and re.match(r"\s*(?:[+-]|(?:positive|negative|pos|neg)\b)", after):
        return True  # "Cozen's +", "Phalen's positive": a test read as positive
    gap = text[max(0, tokens[i].start - 4) : tokens[i].start].casefold()
    if i >= 2 and tokens[i - 1].key in ("de", "du") and gap.endswith((" de ", " du ")):
        return tokens[i - 2].key in EPONYM_BEFORE
    if i >= 1 and gap.endswith(("d'", "d’")):
        return tokens[i - 1].key.removesuffix("'d") in EPONYM_BEFORE or _before_d(tokens, i)
    return False


def eponyms(text: str) -> frozenset[int]:
    """Where the words that name a test, sign or scale start ("Test de Thompson")."""
    tokens = _tokens(text)
    return frozenset(t.start for i, t in enumerate(tokens) if _eponym(text, tokens, i))


def _before_d(tokens: list[_Token], i: int) -> bool:
    word = tokens[i - 1].key
    return word.endswith(("d'", "d’")) and i >= 2 and tokens[i - 2].key in EPONYM_BEFORE


def _after_cue(text: str, tokens: list[_Token], i: int) -> bool:
    """Right after a title, a relation ("her son", "sa sœur") or a meeting verb."""
    if i == 0:
        return False
    before = tokens[i - 1].key
    gap = text[tokens[i - 1].end : tokens[i].start]
    if any(ch in ".!?;:" for ch in gap) and not (before in TITLES and gap.strip() == "."):
        return False
    if before in _COPULAS and i >= 2 and tokens[i - 2].key in RELATIONS:
        return True  # "midwife is Catriona"
    if before in ("con", "avec") and _capitalised(tokens[i].base):
        return True
    return before in TITLES or before in RELATIONS or before in MEETING_VERBS


def _acts(text: str, tokens: list[_Token], i: int) -> bool:
    """The word is followed by what a person does, a possessive, an age or another name."""
    token = tokens[i]
    if _possessive(token) or _animate(text, tokens, i):
        return True
    rest = text[token.end : token.end + 12]
    if re.match(r",? ?\(?\d{1,3}\b", rest):
        return True
    if rest.startswith(",") and lexicon.first_name(token.base) is not None:
        return True
    if re.match(r" [A-Z]\.", rest):
        return True  # "Mark B."
    j = i + 1
    if j < len(tokens) and tokens[j].key in _ADVERBS:
        j += 1
    nxt = tokens[j] if j < len(tokens) else None
    if nxt is None or text[tokens[j - 1].end : nxt.start].strip(" ") != "":
        return False
    if nxt.key in PERSON_VERBS or _past_tense(nxt.key):
        after = tokens[j + 1] if j + 1 < len(tokens) else None
        return not (nxt.key in _COPULAS and after is not None and after.key in _ARTICLES)
    if nxt.key in RELATIONS and _possessive(token):
        return True
    if nxt.key in _CONNECTORS and i + 2 < len(tokens):
        return _capitalised(tokens[i + 2].base) and _first_name(tokens[i + 2].base) is not None
    return False


_NATIONALITY_ENDINGS = (
    "ian",
    "ean",
    "ese",
    "ish",
    "ais",
    "aise",
    "ano",
    "ana",
    "eño",
    "eña",
    "ino",
    "ina",
    "i",
)
_MONTHS_AND_DAYS = _set(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday janvier février mars avril mai
    juin juillet août septembre octobre novembre décembre lundi mardi mercredi jeudi
    vendredi samedi dimanche enero febrero marzo abril mayo junio julio agosto septiembre
    octubre noviembre diciembre lunes martes miércoles jueves viernes sábado domingo
    """
)
_COPULAS = _set("is was has had es est era fue était")


def _past_tense(word: str) -> bool:
    """ "revealed", "llegó": a verb form that needs someone to do it."""
    return (word.endswith("ed") and len(word) > 4) or (word.endswith("ó") and len(word) > 3)


def sentence_start(text: str, pos: int) -> bool:
    """True when only spaces, quotes or brackets stand between pos and a sentence end."""
    i, stop = pos - 1, max(-1, pos - 200)
    while i > stop and (text[i].isspace() or text[i] in "\"'“‘«([*•¿¡"):
        if text[i] == "\n":
            return True
        i -= 1
    return i < 0 or text[i] in ".!?:;-–—"
