"""Cryptographic primitives: known answers, sealing, nonces, the KDF floor, recovery keys.

Known answers were computed once with the implementation and are pinned here: a change
to any of them means existing journals would no longer open.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import crypto, vault
from storage.errors import KdfAboveCeiling, KdfBelowFloor, MalformedRecoveryKey
from tests.conftest import FLOOR_ITERATIONS, FLOOR_MEMORY_KIB, Argon2idTripwire

KAT_SALT = bytes(range(16))
KAT_PARAMS = crypto.KdfParams(salt=KAT_SALT, memory_kib=65536, iterations=3, lanes=4)
KAT_DEK = bytes(range(32))


# ---- known answers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passphrase", "expected"),
    [
        (
            "correct horse battery staple",
            "853b272a44db1421c02962669a55eb0994f3cab385ed1c4c79253eee19bab49e",
        ),
        (
            "caf\u00e9 au lait, s\u2019il vous pla\u00eet",
            "ad61f930dc9f6345d5b3443a206c01a508880d0ecd144460c55cc00f0814d93c",
        ),
    ],
)
def test_a_fixed_passphrase_salt_and_parameters_give_a_fixed_argon2id_key(
    passphrase: str, expected: str
) -> None:
    assert crypto.derive_passphrase_key(passphrase, KAT_PARAMS).hex() == expected


def test_a_decomposed_passphrase_gives_the_same_key_as_the_composed_one() -> None:
    decomposed = unicodedata.normalize("NFD", "caf\u00e9 au lait, s\u2019il vous pla\u00eet")
    assert decomposed != "caf\u00e9 au lait, s\u2019il vous pla\u00eet"
    key = crypto.derive_passphrase_key(decomposed, KAT_PARAMS)
    assert key.hex() == "ad61f930dc9f6345d5b3443a206c01a508880d0ecd144460c55cc00f0814d93c"


@pytest.mark.parametrize(
    ("info", "salt", "expected"),
    [
        (
            vault.RECORD_KEY_INFO,
            None,
            "235665ba87e4a3bd207ec2e08773a9ece1d3181c78c29d98082b95d3558dbbfd",
        ),
        (
            vault.SET_HASH_KEY_INFO,
            None,
            "c14f6a93e05ed1b6810bbd7b4ce55db44eb0cc99ae78c51c6a325e68140cfb16",
        ),
        (
            vault.RECOVERY_INFO,
            bytes(16),
            "ccb1f0e3964912e913d8a83d7c49b94bd4fb67d512892331b08a15893b22cda3",
        ),
    ],
    ids=["record-key", "set-hash-key", "recovery-kek"],
)
def test_hkdf_subkeys_of_a_fixed_key_are_fixed(
    info: bytes, salt: bytes | None, expected: str
) -> None:
    assert crypto.hkdf(KAT_DEK, info, salt).hex() == expected


def test_the_set_hash_element_of_a_fixed_tag_is_aes_of_the_tag_read_little_endian() -> None:
    element = crypto.set_hash_element(bytes(32), bytes(range(16)))
    assert element == int.from_bytes(bytes.fromhex("b65d30030c88b44c975a343f93fb3c09"), "little")


def test_the_set_hash_element_uses_the_tag_at_the_end_of_a_blob() -> None:
    blob = bytes(range(60))
    assert crypto.blob_tag(blob) == bytes(range(44, 60))
    assert crypto.blob_tag(b"short") == bytes(16)


@given(st.lists(st.binary(min_size=16, max_size=16), max_size=50))
def test_the_batched_set_hash_equals_the_sum_of_its_elements(tags: list[bytes]) -> None:
    key = bytes(range(32))
    expected = sum(crypto.set_hash_element(key, t) for t in tags) % crypto.SET_HASH_MODULUS
    assert crypto.set_hash_total(key, b"".join(tags)) == expected


def test_kdf_parameters_serialise_to_fixed_canonical_json() -> None:
    assert KAT_PARAMS.to_json() == (
        '{"algorithm":"argon2id","iterations":3,"lanes":4,"memory_kib":65536,'
        '"salt":"AAECAwQFBgcICQoLDA0ODw=="}'
    )
    assert crypto.KdfParams.from_json(KAT_PARAMS.to_json()) == KAT_PARAMS


def test_a_fixed_recovery_key_has_a_fixed_grouped_base32_text() -> None:
    text = crypto.format_recovery_key(bytes(range(32)))
    assert text == "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5-DYPQ"


# ---- recovery key text ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(min_size=32, max_size=32))
def test_a_recovery_key_survives_formatting_and_parsing(raw: bytes) -> None:
    text = crypto.format_recovery_key(raw)
    groups = text.split("-")
    assert len(groups) == 13 and all(len(g) == 4 for g in groups)
    assert crypto.parse_recovery_key(text) == raw


@pytest.mark.parametrize(
    "retype",
    [
        str.lower,
        lambda t: t.replace("-", " "),
        lambda t: t.replace("-", ""),
        lambda t: f"  {t}\n",
        lambda t: t.replace("-", " - ").swapcase(),
    ],
    ids=["lower-case", "spaces", "no-separators", "surrounding-whitespace", "mixed"],
)
def test_a_recovery_key_typed_by_hand_in_another_form_still_parses(retype) -> None:
    raw = bytes(range(100, 132))
    assert crypto.parse_recovery_key(retype(crypto.format_recovery_key(raw))) == raw


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("  - -  ", "empty"),
        ("AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5-DYP0", "characters"),
        ("AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5-DYP1", "characters"),
        ("AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5-DYP\u00c9", "characters"),
        ("AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5", "48 characters"),
        ("AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5-DYPQ-A", "53 characters"),
    ],
    ids=["empty", "only-separators", "zero", "one", "accent", "too-short", "too-long"],
)
def test_a_malformed_recovery_key_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(MalformedRecoveryKey, match=reason):
        crypto.parse_recovery_key(text)


# ---- sealing -------------------------------------------------------------------------------


def test_a_sealed_blob_is_nonce_then_ciphertext_then_tag() -> None:
    key, plaintext, aad = crypto.new_key(), b"a reflection", b"reflection|id|1|1"
    blob = crypto.seal(key, plaintext, aad)
    assert len(blob) == crypto.NONCE_LEN + len(plaintext) + 16
    nonce, rest = blob[: crypto.NONCE_LEN], blob[crypto.NONCE_LEN :]
    assert AESGCM(key).decrypt(nonce, rest, aad) == plaintext
    assert crypto.open_sealed(AESGCM(key), blob, aad) == plaintext


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_flipping_any_bit_of_a_sealed_blob_makes_it_fail_to_open(data: st.DataObject) -> None:
    key = bytes(32)
    blob = crypto.seal(key, b"an answer to a prompt", b"aad")
    index = data.draw(st.integers(0, len(blob) - 1), label="byte")
    mask = 1 << data.draw(st.integers(0, 7), label="bit")
    changed = bytearray(blob)
    changed[index] ^= mask
    with pytest.raises(InvalidTag):
        crypto.open_sealed(AESGCM(key), bytes(changed), b"aad")


@pytest.mark.parametrize(
    ("key", "aad"),
    [(bytes(32), b"other aad"), (b"\x01" * 32, b"aad")],
    ids=["other-aad", "other-key"],
)
def test_a_sealed_blob_opens_only_with_its_own_key_and_aad(key: bytes, aad: bytes) -> None:
    blob = crypto.seal(bytes(32), b"text", b"aad")
    with pytest.raises(InvalidTag):
        crypto.open_sealed(AESGCM(key), blob, aad)


@pytest.mark.parametrize("length", [0, 1, 12, 27])
def test_a_blob_too_short_to_hold_nonce_and_tag_fails_to_open(length: int) -> None:
    with pytest.raises(InvalidTag):
        crypto.open_sealed(AESGCM(bytes(32)), bytes(length), b"")


def _repeated_nonces(key: bytes, count: int) -> int:
    nonces = {crypto.seal(key, b"x", b"aad")[: crypto.NONCE_LEN] for _ in range(count)}
    return count - len(nonces)


def test_no_key_and_nonce_pair_repeats_over_100k_encryptions() -> None:
    assert _repeated_nonces(crypto.new_key(), 100_000) == 0


def test_the_nonce_check_would_catch_a_stuck_random_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(crypto.os, "urandom", lambda n: bytes(n))
    assert _repeated_nonces(bytes(32), 100) == 99


# ---- the KDF floor -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weaker",
    [
        {"memory_kib": FLOOR_MEMORY_KIB - 1},
        {"memory_kib": 32768},
        {"memory_kib": 8},
        {"iterations": FLOOR_ITERATIONS - 1},
        {"iterations": 1},
        {"iterations": 0},
        {"lanes": 0},
        {"salt": bytes(15)},
        {"salt": b""},
    ],
    ids=lambda d: "-".join(f"{k}={v!r}"[:20] for k, v in d.items()),
)
def test_kdf_parameters_below_the_floor_are_refused_before_deriving(
    weaker: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "Argon2id", Argon2idTripwire)
    fields = {"salt": KAT_SALT, "memory_kib": 65536, "iterations": 3, "lanes": 4} | weaker
    with pytest.raises(KdfBelowFloor):
        crypto.derive_passphrase_key("correct horse battery staple", crypto.KdfParams(**fields))


@pytest.mark.parametrize(
    "weaker",
    [{"memory_kib": 65535}, {"iterations": 2}, {"lanes": 0}],
    ids=["memory", "iterations", "lanes"],
)
def test_new_kdf_parameters_below_the_floor_cannot_be_made(weaker: dict) -> None:
    with pytest.raises(KdfBelowFloor):
        crypto.new_kdf_params(**weaker)


def test_new_kdf_parameters_default_to_128_mib_three_passes_four_lanes_and_a_fresh_salt() -> None:
    first, second = crypto.new_kdf_params(), crypto.new_kdf_params()
    assert (first.memory_kib, first.iterations, first.lanes) == (131072, 3, 4)
    assert len(first.salt) == crypto.SALT_LEN and first.salt != second.salt


@pytest.mark.parametrize(
    ("seconds", "passes"),
    [(0.05, 12), (0.1, 11), (0.175, 6), (0.3, 4), (0.35, 3), (0.9, 3)],
)
def test_calibration_adds_passes_on_a_fast_computer_and_never_goes_below_the_default(
    seconds: float, passes: int
) -> None:
    params = crypto.calibrated_kdf_params(lambda _: seconds, target=0.35)
    assert params.iterations == passes
    assert (params.memory_kib, params.lanes) == (131072, 4)
    crypto.FLOOR.check(params)


def test_parameters_exactly_at_the_floor_are_accepted() -> None:
    crypto.FLOOR.check(KAT_PARAMS)
    assert crypto.FLOOR.memory_kib == FLOOR_MEMORY_KIB
    assert crypto.FLOOR.iterations == FLOOR_ITERATIONS


@pytest.mark.parametrize(
    "json_text",
    [
        KAT_PARAMS.to_json().replace("argon2id", "argon2i"),
        KAT_PARAMS.to_json().replace("argon2id", "scrypt"),
    ],
    ids=["argon2i", "scrypt"],
)
def test_stored_parameters_of_another_algorithm_are_refused(json_text: str) -> None:
    with pytest.raises(KdfBelowFloor):
        crypto.KdfParams.from_json(json_text)


@pytest.mark.parametrize(
    ("memory_kib", "iterations", "lanes"),
    [(2**30, 3, 4), (65536, 10_000, 4), (65536, 3, 10_000)],
    ids=["1-tib-memory", "ten-thousand-passes", "ten-thousand-lanes"],
)
def test_absurd_kdf_settings_in_an_edited_slot_are_refused_before_deriving(
    memory_kib: int, iterations: int, lanes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "Argon2id", Argon2idTripwire)
    params = crypto.KdfParams(b"s" * 16, memory_kib, iterations, lanes)
    with pytest.raises(KdfBelowFloor):
        crypto.derive_passphrase_key("any passphrase at all", params)


@pytest.mark.parametrize(
    ("memory_kib", "iterations", "lanes"),
    [(1024 * 1024, 16, 4), (131072, 13, 4), (131073, 3, 4), (131072, 3, 5)],
    ids=["1-gib-16-passes", "one-pass-more", "one-kib-more", "one-lane-more"],
)
def test_kdf_settings_above_what_this_app_writes_are_refused_before_deriving(
    memory_kib: int, iterations: int, lanes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edited slot (1 GiB, t=16) made each unlock attempt take about 9 s."""
    monkeypatch.setattr(crypto, "Argon2id", Argon2idTripwire)
    params = crypto.KdfParams(b"s" * 16, memory_kib, iterations, lanes)
    with pytest.raises(KdfAboveCeiling, match="more than this app ever writes"):
        crypto.derive_passphrase_key("any passphrase at all", params)


# ---- FORMAT.md section 10: the test vectors of format 2 ---------------------------------------

FORMAT_MD = Path(__file__).resolve().parents[1] / "storage" / "FORMAT.md"
VECTOR_DEK = bytes(range(32))
VECTOR_JOURNAL_ID = b"0123456789abcdef0123456789abcdef"
VECTOR_ROWS = [  # kind, id, revision, format, plaintext, nonce
    ("reflection", "000000000000000000000000000000f1", 1, 1, b'{"v":1}', bytes(12)),
    ("reflection", "000000000000000000000000000000f1", 2, 1, b'{"v":2}', b"\x01" * 12),
]
VECTOR_META = [
    [("text", b"magic"), ("blob", b"reflective-practice-journal")],
    [("text", b"format_version"), ("blob", b"2")],
    [("text", b"journal_id"), ("blob", VECTOR_JOURNAL_ID)],
    [("text", b"key_id"), ("blob", bytes.fromhex(
        "dc474a3e6366b171edb10e2f639b5016e567e7ab90f9d2802fe18be1764a9268"))],
    [("text", b"integrity"), ("blob", b"left out of the digest")],
]  # fmt: skip
VECTOR_SLOTS = [
    [
        ("text", b"recovery"),
        ("text", b"hkdf-sha256"),
        ("text", b'{"algorithm": "hkdf-sha256", "salt": "00000000000000000000000000000000"}'),
        ("blob", b"\xaa" * 60),
    ],
    [
        ("text", b"passphrase"),
        ("text", b"argon2id"),
        (
            "text",
            b'{"algorithm":"argon2id","iterations":3,"lanes":4,"memory_kib":131072,'
            b'"salt":"AAAAAAAAAAAAAAAAAAAAAA=="}',
        ),
        ("blob", b"\xbb" * 60),
    ],
]


def _format_md_hex() -> str:
    return "".join(FORMAT_MD.read_text(encoding="utf-8").split()).lower()


def _vectors() -> dict[str, str]:
    """Everything FORMAT.md section 10 lists, computed by this code."""
    record_key = crypto.hkdf(VECTOR_DEK, vault.RECORD_KEY_INFO)
    set_key = crypto.hkdf(VECTOR_DEK, vault.SET_HASH_KEY_INFO)
    found = {
        "record key": record_key.hex(),
        "set-hash key": set_key.hex(),
        "integrity key": vault.integrity_key(VECTOR_DEK).hex(),
        "key id": vault.key_id(VECTOR_DEK).hex(),
    }
    total = 0
    for kind, record_id, revision, fmt, plain, nonce in VECTOR_ROWS:
        aad = f"{kind}|{record_id}|{revision}|{fmt}".encode()
        blob = nonce + AESGCM(record_key).encrypt(nonce, plain, aad)
        element = crypto.set_hash_element(set_key, crypto.blob_tag(blob))
        found[f"blob {revision}"] = blob.hex()
        found[f"element {revision}"] = element.to_bytes(16, "big").hex()
        total = crypto.combine(total, element)
    header = crypto.header_digest(VECTOR_META, VECTOR_SLOTS)
    value = crypto.Integrity(7, total, header)
    aad = vault.integrity_aad(VECTOR_JOURNAL_ID)
    sealed = crypto.seal_integrity(vault.integrity_key(VECTOR_DEK), value, aad, b"\x02" * 12)
    found |= {"total": total.to_bytes(32, "big").hex(), "header digest": header.hex()}
    found |= {"integrity plaintext": value.to_bytes().hex(), "stored integrity": sealed.hex()}
    return found


@pytest.mark.parametrize("name", list(_vectors()))
def test_format_md_lists_the_test_vector_this_code_computes(name: str) -> None:
    assert _vectors()[name] in _format_md_hex(), f"FORMAT.md section 10: {name}"


def test_the_stored_integrity_vector_opens_to_its_counter_total_and_header() -> None:
    vectors = _vectors()
    sealed = bytes.fromhex(vectors["stored integrity"])
    aad = vault.integrity_aad(VECTOR_JOURNAL_ID)
    opened = crypto.open_integrity(vault.integrity_key(VECTOR_DEK), sealed, aad)
    assert opened is not None and opened.counter == 7
    assert opened.to_bytes().hex() == vectors["integrity plaintext"]
    assert crypto.open_integrity(vault.integrity_key(VECTOR_DEK), sealed, aad + b"x") is None


def test_the_header_digest_changes_with_any_slot_or_meta_value_but_not_the_integrity_row() -> None:
    base = crypto.header_digest(VECTOR_META, VECTOR_SLOTS)
    other_integrity = [*VECTOR_META[:4], [("text", b"integrity"), ("blob", b"other")]]
    assert crypto.header_digest(other_integrity, VECTOR_SLOTS) == base
    old_slot = [VECTOR_SLOTS[0], [*VECTOR_SLOTS[1][:3], ("blob", b"\xbc" * 60)]]
    assert crypto.header_digest(VECTOR_META, old_slot) != base
    as_text = [[VECTOR_META[0][0], ("text", b"reflective-practice-journal")], *VECTOR_META[1:]]
    assert crypto.header_digest(as_text, VECTOR_SLOTS) != base
    extra = [*VECTOR_META, [("text", b"note"), ("blob", b"")]]
    assert crypto.header_digest(extra, VECTOR_SLOTS) != base
