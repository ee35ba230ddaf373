"""De-identification test corpus: short synthetic sentences and the identifiers in them.

Every sentence is original and every person, address, number and account in it is
invented (phone numbers come from the ranges reserved for drama: Ofcom 07700 900xxx,
0113 496 0xxx, 020 7946 0xxx; US 555-01xx). Towns, states and countries are real
places, never real people.

Ground truth follows HIPAA Safe Harbor as CLINICAL.md reads it: people's names (not the
authors of reflective models), places smaller than a state or country, every date part
except the year, ages over 89, contact details, ID numbers, URLs and IP addresses.

`CASES` is the whole corpus. Each `Case.expected` lists `(kind, span)` pairs; each span
occurs exactly once in its sentence, so its offsets follow from `text.index(span)`.
`known_names` are the client aliases the user stored. Cases with no expected span are
clean sentences: they must produce no finding at all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    text: str
    expected: tuple[tuple[str, str], ...] = ()
    known_names: tuple[str, ...] = ()


def _c(text: str, *expected: tuple[str, str], known: tuple[str, ...] = ()) -> Case:
    return Case(text, tuple(expected), known)


ALIAS = [
    _c(
        "Tuesday early cancelled again and I felt relieved.",
        ("alias", "Tuesday early"),
        known=("Tuesday early",),
    ),
    _c("I think sam was testing whether I would notice.", ("alias", "sam"), known=("Sam",)),
    _c("Bluebird brought a drawing to the session.", ("alias", "Bluebird"), known=("Bluebird",)),
    _c("Afterwards SAM said the homework was pointless.", ("alias", "SAM"), known=("Sam",)),
    _c(
        "The Night Owl said sleep was better this week.",
        ("alias", "Night Owl"),
        known=("Night Owl",),
    ),
    _c(
        "I wondered whether Tuesday  Early felt rushed.",
        ("alias", "Tuesday  Early"),
        known=("Tuesday early",),
    ),
]

NAME = [
    _c("Fenella Quillworth rang the clinic to rearrange.", ("name", "Fenella Quillworth")),
    _c("I spoke to Mr Thistlewood about the fees.", ("name", "Thistlewood")),
    _c("Her son Ptolemy has started refusing school.", ("name", "Ptolemy")),
    _c(
        "A new colleague called Orrin offered to cover my Thursday list.",
        ("name", "Orrin"),
    ),
    _c("Dr Ysolde Brackenridge wrote the referral letter.", ("name", "Ysolde Brackenridge")),
    _c(
        "She said her husband, Caspian Gorsefield, reads her messages.",
        ("name", "Caspian Gorsefield"),
    ),
    _c("My boss Hortensia asked for the notes by Friday.", ("name", "Hortensia")),
    _c(
        "He mentioned Ms. Pennywhistle from the housing office twice.",
        ("name", "Pennywhistle"),
    ),
    _c("Prof Marrowby's lecture on ruptures came up in supervision.", ("name", "Marrowby")),
    _c(
        "The patient's daughter Wilhelmina drove her to the appointment.",
        ("name", "Wilhelmina"),
    ),
    _c("Her cat, named Quenby, is her main company.", ("name", "Quenby")),
    _c("Zoë Ashbourne-Nkem joined the group late.", ("name", "Zoë Ashbourne-Nkem")),
    _c(
        "I kept thinking about what Barnaby Thistlewood said about his father.",
        ("name", "Barnaby Thistlewood"),
    ),
    _c("Mrs Tumblethorn asked whether I had children of my own.", ("name", "Tumblethorn")),
    _c("Her mother Gwendolyn Pike used to be a nurse.", ("name", "Gwendolyn Pike")),
    _c(
        "Her partner Dashiell Okonkwo-Ruiz works nights at the depot.",
        ("name", "Dashiell Okonkwo-Ruiz"),
    ),
    _c(
        "After the session I wrote to Mx Fairweather-Lind about the group.",
        ("name", "Fairweather-Lind"),
    ),
    _c(
        "The client said his father, Ignatius Holloway, never came to games.",
        ("name", "Ignatius Holloway"),
    ),
    _c("Anneke van der Berg is the client's advocate.", ("name", "Anneke van der Berg")),
    _c("I noticed Orla's voice changed when we discussed the move.", ("name", "Orla")),
    # A lone first name with no title or cue word: a known miss (store it as an alias).
    _c("Later I texted Rufus to confirm the time.", ("name", "Rufus")),
    _c("We talked about Grandma Edith's funeral.", ("name", "Edith")),
    _c(
        "She said Priya and Tomasz were the only friends who visited.",
        ("name", "Priya"),
        ("name", "Tomasz"),
    ),
    _c("Dear Dr Quillworth, thank you for the referral.", ("name", "Quillworth")),
]

EMAIL = [
    _c(
        "She asked me to write to fenella.quillworth@example.com instead of the clinic.",
        ("email", "fenella.quillworth@example.com"),
    ),
    _c(
        "His new address is dad.of.three@mail.example.co.uk, he said.",
        ("email", "dad.of.three@mail.example.co.uk"),
    ),
    _c(
        "I replied from t.wrenfeather+therapy@example.org by mistake.",
        ("email", "t.wrenfeather+therapy@example.org"),
    ),
    _c(
        "The school contact, OFFICE@BROOKHOLLOW.EXAMPLE.SCH.UK, was in the letter.",
        ("email", "OFFICE@BROOKHOLLOW.EXAMPLE.SCH.UK"),
    ),
    _c("Forwarded to j_okonkwo@example.net for the care plan.", ("email", "j_okonkwo@example.net")),
]

URL = [
    _c(
        "She sent a link to https://www.example.org/blog/quillworth-story so I could read it.",
        ("url", "https://www.example.org/blog/quillworth-story"),
    ),
    _c(
        "The fundraiser page is at www.gorsefield-appeal.example.co.uk now.",
        ("url", "www.gorsefield-appeal.example.co.uk"),
    ),
    _c(
        "He posts as instagram.com/fenella.q.art and wants me to look.",
        ("url", "instagram.com/fenella.q.art"),
    ),
    _c(
        "The clinic portal http://10.0.0.7:8501/session was left open.",
        ("url", "http://10.0.0.7:8501/session"),
    ),
    _c(
        "She found me through example.com/therapists/leeds.",
        ("url", "example.com/therapists/leeds"),
    ),
    _c(
        "A video of the event is on https://video.example.net/watch?v=Zq81xK.",
        ("url", "https://video.example.net/watch?v=Zq81xK"),
    ),
]

IP = [
    _c(
        "My laptop showed the client's address as 192.168.4.20 in the logs.",
        ("ip", "192.168.4.20"),
    ),
    _c("The request came from 203.0.113.45 late at night.", ("ip", "203.0.113.45")),
    _c(
        "The router at home was 2001:db8::8a2e:370:7334 according to her.",
        ("ip", "2001:db8::8a2e:370:7334"),
    ),
    _c(
        "The tablet was on fe80::1ff:fe23:4567:890a when it synced.",
        ("ip", "fe80::1ff:fe23:4567:890a"),
    ),
    _c("He gave me the server IP, 10.20.30.40, as if it mattered.", ("ip", "10.20.30.40")),
]

PHONE = [
    _c("She left a voicemail from 07700 900461 at midnight.", ("phone", "07700 900461")),
    _c("The GP surgery number is 0113 496 0375.", ("phone", "0113 496 0375")),
    _c("Call back on 020 7946 0018 after four, he said.", ("phone", "020 7946 0018")),
    _c("Her mobile, +44 7700 900123, is on the consent form.", ("phone", "+44 7700 900123")),
    _c("He texted from (312) 555-0148 twice on Sunday.", ("phone", "(312) 555-0148")),
    _c("The crisis line she uses is 1-800-555-0199.", ("phone", "1-800-555-0199")),
    _c("I called 202-555-0173 to reschedule.", ("phone", "202-555-0173")),
    _c("Her sister's number is +1 415 555 0132.", ("phone", "+1 415 555 0132")),
    _c("Her family in France call her on +33 1 99 00 12 34.", ("phone", "+33 1 99 00 12 34")),
    _c("The Australian office number was +61 491 570 156.", ("phone", "+61 491 570 156")),
    _c("Her landline (0117) 496 0123 is in the notes.", ("phone", "(0117) 496 0123")),
    _c("Ring 07700900888 if the buzzer fails.", ("phone", "07700900888")),
]

ADDRESS = [
    _c("She has moved to 14 Marrowby Lane and feels safer.", ("address", "14 Marrowby Lane")),
    _c("The home visit was at Flat 3, 27 Willow Court.", ("address", "Flat 3, 27 Willow Court")),
    _c(
        "He lives at 1407 Juniper Street, Apt 4B, with two flatmates.",
        ("address", "1407 Juniper Street, Apt 4B"),
    ),
    _c("Her shop is on 88 Old Mill Rd near the station.", ("address", "88 Old Mill Rd")),
    _c("They rent 5 Thistlewood Avenue from her uncle.", ("address", "5 Thistlewood Avenue")),
    _c("The refuge is somewhere off Gorsefield Drive.", ("address", "Gorsefield Drive")),
    _c("He grew up at 221 Pennywhistle Way.", ("address", "221 Pennywhistle Way")),
    _c("Her new flat is 12B Heron Crescent.", ("address", "12B Heron Crescent")),
]

POSTCODE = [
    _c("The letter was addressed to LS1 4AP, which surprised her.", ("postcode", "LS1 4AP")),
    _c(
        "She is moving to Dayton, OH 45402 next month.",
        ("place", "Dayton"),
        ("postcode", "45402"),
    ),
    _c("Her postcode, EH3 9QZ, is on the old form.", ("postcode", "EH3 9QZ")),
    _c("The parcel went to zip code 10027 by mistake.", ("postcode", "10027")),
    _c("The return address ended 97205-1234.", ("postcode", "97205-1234")),
    _c("Their old house was in B33 8TH.", ("postcode", "B33 8TH")),
    _c("Manchester M1 1AE came up twice.", ("place", "Manchester"), ("postcode", "M1 1AE")),
]

DATE = [
    _c("The incident happened on 14/03/2025 after school.", ("date", "14/03/2025")),
    _c("She was discharged on 2025-03-14, a week early.", ("date", "2025-03-14")),
    _c("Her court date is 14 March 2025.", ("date", "14 March 2025")),
    _c("He said March 14th is always hard for him.", ("date", "March 14th")),
    _c("We first met on the 3rd of May, just before exams.", ("date", "3rd of May")),
    _c("The letter was dated 03/14/2025 in the US format.", ("date", "03/14/2025")),
    _c("Her birthday is on Friday 7 November, she reminded me.", ("date", "Friday 7 November")),
    _c(
        "The anniversary of the accident, December 2, 2019, falls on a Monday.",
        ("date", "December 2, 2019"),
    ),
    _c("She starts the new job on 1.9.25.", ("date", "1.9.25")),
    _c("He was born 4th July 1961.", ("date", "4th July 1961")),
    _c("The tribunal is on Tuesday the 4th.", ("date", "Tuesday the 4th")),
    _c("Her DOB is 30-06-1988 according to the referral.", ("date", "30-06-1988")),
]

AGE = [
    _c("Her grandfather is a 92-year-old widower.", ("age", "92-year-old")),
    _c("The client lives with her aunt, aged 93.", ("age", "93")),
    _c("Her mother has dementia and she is 95 now.", ("age", "95")),
    _c("He turned 90 in the spring.", ("age", "90")),
    _c("Her neighbour is 97 years old and still drives.", ("age", "97 years old")),
    _c("A 101 year old patient on the ward reminded her of home.", ("age", "101 year old")),
    _c("Her grandmother, now in her nineties, lives alone.", ("age", "nineties")),
]

ID_NUMBER = [
    _c("Her NHS number is 999 590 8301.", ("id_number", "999 590 8301")),
    _c("The referral listed MRN 00482913 on every page.", ("id_number", "00482913")),
    _c("He read out his SSN, 512-44-7310, without being asked.", ("id_number", "512-44-7310")),
    _c("Account number 31926819 appeared on the screenshot.", ("id_number", "31926819")),
    _c(
        "She mentioned her driving licence QUILL751120F99AB in passing.",
        ("id_number", "QUILL751120F99AB"),
    ),
    _c("His car, reg YK19 WRF, was parked outside.", ("id_number", "YK19 WRF")),
    _c(
        "The hospital number RX4471902 was on the wristband photo.",
        ("id_number", "RX4471902"),
    ),
    _c("Case reference 2024/11873 came up in the meeting.", ("id_number", "2024/11873")),
    _c(
        "Her National Insurance number QQ 12 34 56 C was on the form.",
        ("id_number", "QQ 12 34 56 C"),
    ),
    _c("The licence plate 7XQR221 was in the dashcam clip.", ("id_number", "7XQR221")),
    _c("The form showed 4471902358 at the top.", ("id_number", "4471902358")),
    _c("Her student ID is S20931776.", ("id_number", "S20931776")),
    _c("The letter quoted 999 661 3186 twice.", ("id_number", "999 661 3186")),
]

PLACE = [
    _c("She grew up in Harrogate and hates going back.", ("place", "Harrogate")),
    _c("Her son is at St Wilfrida's School in year 9.", ("place", "St Wilfrida's School")),
    _c("He moved here from Leeds after the divorce.", ("place", "Leeds")),
    _c("They met at Brookhollow Primary School.", ("place", "Brookhollow Primary School")),
    _c("She works at Marshfield Clinic on weekends.", ("place", "Marshfield Clinic")),
    _c("Her family still live in Hebden Bridge.", ("place", "Hebden Bridge")),
    _c("He flew in from Tucson for the funeral.", ("place", "Tucson")),
    _c(
        "She was treated at Ashcombe General Infirmary last year.",
        ("place", "Ashcombe General Infirmary"),
    ),
    _c("The pub near Gorsefield Green is where it happened.", ("place", "Gorsefield Green")),
    _c("She teaches at the University of Eastmoor.", ("place", "University of Eastmoor")),
    _c("He was a patient at Cedar Ridge Hospital in Ohio.", ("place", "Cedar Ridge Hospital")),
    # A town with no cue word before it: a known miss.
    _c("Whitby always comes up when she talks about her brother.", ("place", "Whitby")),
]

MIXED = [
    _c(
        "Fenella Quillworth (07700 900461, fenella.q@example.com) lives at "
        "14 Marrowby Lane, Leeds LS1 4AP.",
        ("name", "Fenella Quillworth"),
        ("phone", "07700 900461"),
        ("email", "fenella.q@example.com"),
        ("address", "14 Marrowby Lane"),
        ("place", "Leeds"),
        ("postcode", "LS1 4AP"),
    ),
    _c(
        "On 2025-03-14 Mr Pennywhistle called from 202-555-0173.",
        ("date", "2025-03-14"),
        ("name", "Pennywhistle"),
        ("phone", "202-555-0173"),
    ),
    _c(
        "Session 6: Barnaby Thistlewood, a 92-year-old from Harrogate, came with his "
        "daughter Marigold.",
        ("name", "Barnaby Thistlewood"),
        ("age", "92-year-old"),
        ("place", "Harrogate"),
        ("name", "Marigold"),
    ),
    _c(
        "Client A's partner, Ysolde Brackenridge, works at Riverside Surgery.",
        ("name", "Ysolde Brackenridge"),
        ("place", "Riverside Surgery"),
    ),
    _c(
        "Sam's NHS number 999 462 8194 was on the letter from Dr Wrenfeather.",
        ("alias", "Sam"),
        ("id_number", "999 462 8194"),
        ("name", "Wrenfeather"),
        known=("Sam",),
    ),
]

# Written after the rules were first tuned and kept whatever the result, as a check
# that the corpus above was not simply fitted to the rules.
LATE = [
    _c(
        "Her stepdad, Leopold Farraday-Nune, still rings her at work.",
        ("name", "Leopold Farraday-Nune"),
    ),
    _c("They honeymooned in Portree before the accident.", ("place", "Portree")),
    _c(
        "He gave his number as 07700 900 777 and asked me to keep it.",
        ("phone", "07700 900 777"),
    ),
    _c("The discharge summary is dated 9 Sept 2024.", ("date", "9 Sept 2024")),
    _c(
        "She calls her neighbour Mags and says she is 96.",
        ("name", "Mags"),
        ("age", "96"),
    ),
    _c(
        "Our last session before the move was on Thursday 12th June.",
        ("date", "Thursday 12th June"),
    ),
    _c(
        "Write to the Practice Manager at Holmefield Surgery, 3 Brook Street, York YO1 7HH.",
        ("place", "Holmefield Surgery"),
        ("address", "3 Brook Street"),
        ("place", "York"),
        ("postcode", "YO1 7HH"),
    ),
    _c(
        "His employer, Gristle & Sons Haulage, sacked him in the spring.",
        ("name", "Gristle & Sons Haulage"),
    ),
    _c("The claim was logged under policy number HX-55201-B.", ("id_number", "HX-55201-B")),
    _c(
        "She used to live on Carrow Road in Norwich.",
        ("address", "Carrow Road"),
        ("place", "Norwich"),
    ),
    _c("Her grandson Teodor turned 19 and moved out.", ("name", "Teodor")),
    _c(
        "Met briefly with Fenwick Ashdown-Teale at the school gates.",
        ("name", "Fenwick Ashdown-Teale"),
    ),
    _c("His IP at the library was 172.16.254.3.", ("ip", "172.16.254.3")),
    _c(
        "Reach her on fenwick.a@example.org or 0161 496 0420.",
        ("email", "fenwick.a@example.org"),
        ("phone", "0161 496 0420"),
    ),
    _c("She was 91 when her husband died.", ("age", "91")),
]

# Clinical reflection text that must produce no finding at all.
CLEAN = [
    _c("Today I noticed I wanted to rescue Client A when she went quiet."),
    _c("When C-014 arrived late, I felt wary and hurried the opening."),
    _c("My estimate was 36 of 40 but the feedback total was 31."),
    _c("Using Gibbs, the feelings stage was the hardest to write honestly."),
    _c("Driscoll's What? So What? Now What? helped me slow down."),
    _c("Johns' ethical pattern made me question who benefited from the extra time."),
    _c("Schön would call this reflection-in-action: I changed tack mid-sentence."),
    _c("Kolb's experimentation stage: next session I will ask before assuming."),
    _c("The SAC-4 total dropped from 38 to 29 in session 6."),
    _c("SRS scores have sat at 39 for four sessions, so I will invite critical feedback."),
    _c("WAI-SR total was 48 of 60 this time."),
    _c("In 2025 I started tracking my estimates against feedback."),
    _c("On Monday the session overran by ten minutes and I let it."),
    _c("In March the sessions moved online."),
    _c("Client B and Client C both mentioned the waiting room."),
    _c("My supervisor asked what part I played in the tension."),
    _c("I felt drained, stuck and a little protective after session 12."),
    _c("Next step: ask how the pace felt before starting the hands-on work."),
    _c("The Proctor function here is restorative rather than normative."),
    _c("Bordin's bond, goals and tasks all seemed fine, yet something was off."),
    _c("After the rupture in session 4, the repair came in session 5."),
    _c("She rated voice 6 out of 10, down 3 from last week."),
    _c("Friday felt rushed; I carried the previous session in with me."),
    _c("We agreed on goals in 2024 but the tasks have drifted since."),
    _c("Client AB said the exercises made sense this time."),
    _c("Countertransference: I noticed I wanted to defend myself when criticised."),
    _c("In supervision we talked about the Mental Health Act and consent."),
    _c("Over the holidays the gap between sessions was three weeks."),
    _c("I scored my presence at 7/10 and the patient scored the session 38/40."),
    _c("Q3 calibration: mean bias +2.1, mean absolute error 3.4."),
    _c("I used the Session Alliance Check after every appointment in January."),
    _c("Was my tone different because of the patient's age or culture?"),
    _c("The patient is in her thirties and recently changed jobs."),
    _c("Session 6: I held the silence longer than usual."),
    _c("Sessions 3 to 8 were at the ceiling, all 40 of 40."),
    _c("Yesterday's reflection used Kolb; today I used Driscoll."),
    _c("English is her second language, so I checked the wording twice."),
    _c("She prefers sessions in Welsh."),
    _c("The sample was small, so I will not read much into it.", known=("Sam",)),
    _c("The 3rd session felt flatter than the 2nd."),
    _c("We meet every Tuesday at 10:30 and she is usually early."),
    _c("What did I decide in the first minutes, and what doesn't fit?"),
    _c("Gibbs' Action Plan: ask about the pace in session 7 of 12."),
    _c("Her score fell by 5 points, which is more than 1.5 SD of her changes."),
    _c("Did C-021 go along with the plan because it felt safer than saying no?"),
]

CASES: list[Case] = (
    ALIAS + NAME + EMAIL + URL + IP + PHONE + ADDRESS + POSTCODE + DATE + AGE + ID_NUMBER
) + (PLACE + MIXED + LATE + CLEAN)
