"""The format finder: phone numbers, identifying numbers and postcodes (sharing.deid.formats).

Every number here is fictional: Ofcom drama ranges (07700 900xxx, 020 7946 0xxx,
0161 496 0xxx), US 555-01xx numbers, documentation examples (the NHS number 943 476 5919,
the IBAN GB82 WEST 1234 5698 7654 32) and made-up numbers whose check digit was computed.
"""

from __future__ import annotations

import pytest

from sharing.deid.finding import Finding
from sharing.deid.formats import find_formats


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.kind) for f in find_formats(text)]


# ---------------------------------------------------------------------------------------
# Phones

PHONES = [
    ("Call me on 07700 900123 tomorrow.", "07700 900123"),
    ("The office is +44 20 7946 0958.", "+44 20 7946 0958"),
    ("GP surgery: 0161 496 0000.", "0161 496 0000"),
    ("Her cell is (312) 555-0148.", "(312) 555-0148"),
    ("He texted from 555-0199 again.", "555-0199"),
    ("Call 555 0199 if the door is locked.", "555 0199"),
    ("Fax 212.555.0173 for the records.", "212.555.0173"),
    ("His brother lives abroad, +1 415 555 0132.", "+1 415 555 0132"),
    ("Son portable : 06 12 34 56 78.", "06 12 34 56 78"),
    ("Le cabinet, 01 42 68 53 00, a rappelé.", "01 42 68 53 00"),
    ("Sa fille appelle du +33 1 42 68 53 00.", "+33 1 42 68 53 00"),
    ("Su móvil es 612 34 56 78.", "612 34 56 78"),
    ("El fijo de casa, 912 345 678, no contesta.", "912 345 678"),
    ("Llamó desde +34 912 345 678 ayer.", "+34 912 345 678"),
    ("The crisis line she uses is 1-800-555-0199.", "1-800-555-0199"),
    ("A made-up number, (555) 555-0123, was on the form.", "(555) 555-0123"),
    ("Ring (07700 900123) if the buzzer fails.", "07700 900123"),
    ("Landline 020-7946-0958 and nothing else.", "020-7946-0958"),
]


@pytest.mark.parametrize(("text", "span"), PHONES)
def test_phone_numbers_are_found_on_the_number_exactly(text: str, span: str) -> None:
    assert _found(text) == [(span, "phone")]


def test_a_phone_next_to_a_date_is_still_found() -> None:
    text = "Ring 020 7946 0958. 12/03/2025 was the first session."
    assert _found(text) == [("020 7946 0958", "phone")]


def test_an_extension_stays_with_its_number() -> None:
    found = _found("Call (217) 555-0143 ext. 21 after four.")
    assert found == [("(217) 555-0143 ext. 21", "phone")]


@pytest.mark.parametrize("text", ["Doses of 250-1000 mg.", "Between 120-1500 steps."])
def test_a_range_is_not_a_local_number(text: str) -> None:
    assert _found(text) == []


def test_overlapping_region_matches_merge_into_one_finding() -> None:
    text = "Numbers: +44 20 7946 0958, (312) 555-0148 and 06 12 34 56 78."
    assert [f.text for f in find_formats(text)] == [
        "+44 20 7946 0958",
        "(312) 555-0148",
        "06 12 34 56 78",
    ]


def test_a_phone_reason_names_the_country() -> None:
    (found,) = find_formats("Son portable : 06 12 34 56 78.")
    assert found.reason == "a French phone number"


# ---------------------------------------------------------------------------------------
# National numbers with a check

NATIONAL = [
    ("Her NHS number is 943 476 5919.", "943 476 5919"),
    ("The letter quoted 9434765919 twice.", "9434765919"),
    ("A second NHS no. 401-023-2137 on the referral.", "401-023-2137"),
    ("NI number JG 10 37 59 A was on the form.", "JG 10 37 59 A"),
    ("He read out JG103759A without being asked.", "JG103759A"),
    ("He read out his SSN, 219-09-9999, unprompted.", "219-09-9999"),
    ("The card said 123 45 6789.", "123 45 6789"),
    ("Son NIR : 1 84 12 75 056 089 89.", "1 84 12 75 056 089 89"),
    ("Né en Corse, 1 85 12 2A 056 089 97.", "1 85 12 2A 056 089 97"),
    ("Numéro 184127505608989 sur la feuille de soins.", "184127505608989"),
    ("Su DNI es 12345678Z.", "12345678Z"),
    ("Con puntos: 12.345.678-Z.", "12.345.678-Z"),
    ("Su NIE, X1234567L, estaba caducado.", "X1234567L"),
    ("Seguridad social 28 12345678 40.", "28 12345678 40"),
]


@pytest.mark.parametrize(("text", "span"), NATIONAL)
def test_national_numbers_with_a_valid_check_are_found(text: str, span: str) -> None:
    assert _found(text) == [(span, "id_number")]


INVALID_AFTER_CUE = [
    ("Her NHS number is 943 476 5918.", "943 476 5918"),
    ("NI number QQ 12 34 56 C was on the form.", "QQ 12 34 56 C"),
    ("SSN 000-12-3456 on the intake sheet.", "000-12-3456"),
    ("Numéro de sécu : 1 84 12 75 056 089 42.", "1 84 12 75 056 089 42"),
    ("DNI 12345678A según la ficha.", "12345678A"),
    ("Número de la seguridad social 28 12345678 41.", "28 12345678 41"),
    ("IBAN GB00 WEST 1234 5698 7654 32 on the invoice.", "GB00 WEST 1234 5698 7654 32"),
]


@pytest.mark.parametrize(("text", "span"), INVALID_AFTER_CUE)
def test_a_wrong_check_digit_is_still_found_after_its_cue(text: str, span: str) -> None:
    (found,) = find_formats(text)
    assert (found.text, found.kind) == (span, "id_number")
    assert found.reason.startswith("a number after")
    assert found.reason.endswith("does not match)")


@pytest.mark.parametrize(
    "text",
    [
        "The sheet read 1 84 12 75 056 089 42.",
        "Written on the pad: 12345678A.",
        "A note said 000-12-3456.",
        "Code QQ 12 34 56 C in the exercise book.",
    ],
)
def test_a_wrong_check_digit_without_a_cue_is_not_read_as_a_national_number(text: str) -> None:
    # a long code is still flagged, only never called an NIR, a DNI or an SSN
    assert all(reason.startswith("a long code") for reason in _reasons(text))


def _reasons(text: str) -> list[str]:
    return [f.reason for f in find_formats(text)]


def test_nhs_number_reason_is_plain_english() -> None:
    (found,) = find_formats("Her NHS number is 943 476 5919.")
    assert found.reason == "an NHS number"


# ---------------------------------------------------------------------------------------
# Professional registration numbers and codes after a cue word

CODES = [
    ("Registered with the HCPC as PH123456.", "PH123456"),
    ("My NMC PIN 12A3456E is on the badge.", "12A3456E"),
    ("Supervisor's GMC number 7654321.", "7654321"),
    ("GOsC registration 4321 checked.", "4321"),
    ("NPI 1245319599 on the claim form.", "1245319599"),
    ("Son numéro RPPS 10001234567 figure sur l'ordonnance.", "10001234567"),
    ("ADELI 751234567 à mettre à jour.", "751234567"),
    ("Número de colegiada 28/12345 en el informe.", "28/12345"),
    ("Her license no. MD-12345 expires soon.", "MD-12345"),
    ("He mentioned his driving licence MORGA657054SM9IJ.", "MORGA657054SM9IJ"),
    ("The referral listed MRN 00482913 on every page.", "00482913"),
    ("Dossier n° 2024-00123 transmis.", "2024-00123"),
    ("Historia clínica 123456 revisada.", "123456"),
    ("Policy number HX-55201-B was logged.", "HX-55201-B"),
    ("Policy AB 123 456 for the car.", "AB 123 456"),
    ("Mutuelle n° 987654321 à jour.", "987654321"),
    ("Tarjeta sanitaria BBBB123456789012 en vigor.", "BBBB123456789012"),
    ("Pacemaker serial PZK123456 noted.", "PZK123456"),
    ("Her student ID is S20931776.", "S20931776"),
    ("Claim #CLM-88123 was rejected.", "CLM-88123"),
    ("Case reference 2024/11873 came up.", "2024/11873"),
    ("Locker 12345 had her things.", "12345"),
    ("The implant S/N 123456789 is in the letter.", "123456789"),
]


@pytest.mark.parametrize(("text", "span"), CODES)
def test_registration_and_reference_codes_are_found(text: str, span: str) -> None:
    assert _found(text) == [(span, "id_number")]


# ---------------------------------------------------------------------------------------
# Vehicles and bank

VEHICLES_AND_BANK = [
    ("His car, AB12 CDE, was outside.", "AB12 CDE"),
    ("An old Land Rover, A123 BCD.", "A123 BCD"),
    ("The van was ABC 123D.", "ABC 123D"),
    ("Sa voiture AB-123-CD était garée devant.", "AB-123-CD"),
    ("L'ancienne plaque 1234 AB 75.", "1234 AB 75"),
    ("El coche 1234 BCD estaba fuera.", "1234 BCD"),
    ("Matrícula 1234-BCD.", "1234-BCD"),
    ("Licence plate 7ABC123 on the camera.", "7ABC123"),
    ("His Texas tag 7XYZ123 was photographed.", "7XYZ123"),
    ("VIN 1HGCM82633A004352 on the insurance.", "1HGCM82633A004352"),
    ("Pay to GB82 WEST 1234 5698 7654 32 please.", "GB82 WEST 1234 5698 7654 32"),
    ("Virement sur FR14 2004 1010 0505 0001 3M02 606.", "FR14 2004 1010 0505 0001 3M02 606"),
    ("Cuenta ES91 2100 0418 4502 0005 1332.", "ES91 2100 0418 4502 0005 1332"),
]


@pytest.mark.parametrize(("text", "span"), VEHICLES_AND_BANK)
def test_plates_vins_and_ibans_are_found(text: str, span: str) -> None:
    assert _found(text) == [(span, "id_number")]


def test_shorthand_shaped_like_an_old_plate_needs_a_vehicle_word() -> None:
    assert _found("Detained under S136 DNA.") == []
    assert _found("His car, reg K2 ABC, was outside.") == [("K2 ABC", "id_number")]


def test_sort_code_and_account_are_found_separately() -> None:
    assert _found("Sort code 40-47-84, account 12345678.") == [
        ("40-47-84", "id_number"),
        ("12345678", "id_number"),
    ]


# ---------------------------------------------------------------------------------------
# Postcodes

POSTCODES = [
    ("Le cabinet est au 69003 Lyon.", "69003"),
    ("Vive en 28013 Madrid con su madre.", "28013"),
    ("Dirección con CP 28013.", "28013"),
    ("Code postal 69003 sur le courrier.", "69003"),
    ("Her old flat was near SW1A 1AA.", "SW1A 1AA"),
    ("Manchester M1 1AE came up twice.", "M1 1AE"),
    ("Their old house was in B33 8TH.", "B33 8TH"),
    ("She is moving to Chicago, IL 60614.", "60614"),
    ("The office in Dallas, Texas 75201-1234.", "75201-1234"),
]


@pytest.mark.parametrize(("text", "span"), POSTCODES)
def test_postcodes_are_found(text: str, span: str) -> None:
    assert _found(text) == [(span, "postcode")]


# ---------------------------------------------------------------------------------------
# Clinical numbers that are not identifiers

CLINICAL = [
    "SRS 36/40 at session 6, pain 6/10, PHQ-9 of 14, GAD-7 of 9.",
    "We did 3 sets of 10 and 3x10 reps, 2x/week, knee flexion to 90° and 45°.",
    "BP 120/80, HR 72 bpm, sats 98%, temperature 37.5.",
    "Seen on 12/03/2025 at 14:30 for 45 minutes; next on 2025-04-01.",
    "Pain at T4-T6 and C5/6, an L4-L5 disc, S1 radiculopathy.",
    "The fee was £40, or $120, or 60 €.",
    "She is 34, born in 1989, diagnosed in 2019, between 2019 and 2023.",
    "Range 10-12 reps, 8-10 sessions, 20-30 minutes.",
    "Scores dropped from 28/40 to 22/40 over 12 weeks.",
    "Client number 4 of 12 on my caseload; session number 12.",
    "Took 400 mg ibuprofen and 20mg citalopram, 250-1000 mg paracetamol.",
    "Policy 2024/25 says twice-yearly audits; plan for 2025-2026.",
    "DSM-5-TR and ICD-11 codes like F32.1; WAI-SR total 48; CORE-10 of 18.",
    "Walked 10000 steps; 12000 Patients were seen last year.",
    "En 2023, la patiente avait 45 ans; EVA 7/10, score de 14.",
    "Séance 6, 3 séries de 10 répétitions, 2 fois par semaine, TA 12/8.",
    "El paciente tiene 52 años, dolor 8/10, sesión 4, 3 series de 12.",
    "Cita el 12/03/2025 a las 14:30 durante 45 minutos.",
    "Ratings 4 5 6 7 8 9 10 across the sessions; scores 0 1 2 3 4 5 6 7 8 9.",
    "Weeks 02 04 06 08 10 were reviewed.",
    "Supervision on 3/4 covered CBT, DBT and ACT skills in 2024 NHS services.",
    "Vitamin B12 and D3 levels, HbA1c 48 mmol/mol, eGFR 60.",
    "Meeting 09:00-10:30 then 14:00-15:00, at 1400 GMT.",
    "Heart rate 110-120 bpm, 5x5 at 80 kg, 6MWT 420 m.",
    "The team of 12 handled 350 referrals and 1200 contacts in 2023.",
    "She moved to room 12 in Ward 7B; the 10th visit was on 3 March 2025.",
    "T4 MRI showed nothing at L5; PHQ9 went 21 18 15 12 over sessions 1 2 3 4.",
    "Reference: Bordin 1979; Safran and Muran 2000, pp. 123-145.",
    "Case 2023-24 review; case load 25; record 120/80 twice.",
    "Dosis de 500 mg cada 8 horas durante 7 días; il a couru 10 km le 14/07.",
    "Detained under S136 DNA; D3 ALD low; HbA1c 48, SpO2 97%, 10MWT and 6MWT done.",
    "NHS Q3 2024 audit: 1200 CSM contacts, 350 HTT 12 referrals, RC 350 RC.",
    "Scores 350 12 2024 then 12 000 pas; BP 130/85 on record.",
]


@pytest.mark.parametrize("text", CLINICAL)
def test_clinical_numbers_are_not_identifiers(text: str) -> None:
    assert _found(text) == []


# ---------------------------------------------------------------------------------------
# The findings themselves


def test_findings_are_spans_of_the_text_in_order() -> None:
    text = (
        "Call 07700 900123 re NHS 943 476 5919; car AB12 CDE; 69003 Lyon; "
        "IBAN GB82 WEST 1234 5698 7654 32; SRS 36/40."
    )
    found = list(find_formats(text))
    assert all(isinstance(f, Finding) for f in found)
    assert all(text[f.start : f.end] == f.text for f in found)
    assert [f.start for f in found] == sorted(f.start for f in found)
    assert [f.kind for f in found] == ["phone", "id_number", "id_number", "postcode", "id_number"]


def test_every_finding_has_a_known_kind_and_a_reason() -> None:
    text = " ".join(text for text, _ in PHONES + NATIONAL + CODES + POSTCODES)
    found = list(find_formats(text))
    assert len(found) >= len(PHONES + NATIONAL + CODES + POSTCODES)
    assert {f.kind for f in found} <= {"phone", "id_number", "postcode"}
    assert all(f.reason and not f.warning for f in found)


def test_empty_and_numberless_text_yields_nothing() -> None:
    assert _found("") == []
    assert _found("A quiet session about trust and repair.") == []
