"""Tests of huiqi.uscc: the GB 32100-2015 check character, validation and sample codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huiqi.errors import InputError
from huiqi.uscc import (
    CHARSET,
    EXPECTED,
    WEIGHTS,
    has_valid_organisation_check,
    is_valid_uscc,
    kind_code,
    make_uscc,
    organisation_code,
    region_code,
    registration_authority,
    uscc_check_character,
    validate_uscc,
)

# An independent reference, written from the standard's text rather than from the module:
# the 31 characters spelt out, weights as 3**(i-1) mod 31, check = 31 − (Σ mod 31), 31 → '0'.
REFERENCE_CHARSET = "0123456789" + "ABCDEFGH" + "JKLMN" + "PQR" + "TU" + "WXY"


def reference_check(first17: str) -> str:
    total = sum(REFERENCE_CHARSET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    check = 31 - total % 31
    return "0" if check == 31 else REFERENCE_CHARSET[check]


# Real-format codes as published (the first is the example of GB 32100-2015's explanatory
# material); each is re-verified against the reference in test_real_codes_are_valid.
REAL_CODES = [
    "91350100M000100Y43",  # check '3'
    "914403001922038216",  # check '6'
    "91110000802100433B",  # check 'B'
    "91110000100006194G",  # check 'G'
    "91110108551385082Q",  # check 'Q'
    "91440300708461136T",  # check 'T'
]

# Generated codes (make_uscc) with digit checks, pinned so that a change to the generator or the
# check shows up; each is re-verified against the reference too.
DIGIT_CHECK_CODES = [
    "913401000000000350",
    "9134010000000014X1",
    "913401000000002032",
    "913401000000000943",
    "913401000000004494",
    "913401000000000275",
    "913401000000003856",
    "913401000000004307",
    "913401000000000868",
    "913401000000001319",
]


# --- the check character ---------------------------------------------------------------------

def test_charset_is_31_characters_without_i_o_z_s_v():
    assert CHARSET == REFERENCE_CHARSET
    assert len(CHARSET) == 31
    assert not set("IOZSV") & set(CHARSET)


def test_weights_are_powers_of_three_mod_31():
    assert WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


def test_worked_example_by_hand():
    # 9·1 + 1·3 + 3·9 + 5·27 + 0·19 + 1·26 + 0·16 + 0·17 + M(21)·20 + 0·29 + 0·25 + 0·13
    # + 1·8 + 0·24 + 0·10 + Y(30)·30 + 4·28 = 1640; 1640 mod 31 = 28; 31 − 28 = 3.
    assert sum(CHARSET.index(c) * w for c, w in zip("91350100M000100Y4", WEIGHTS)) == 1640
    assert uscc_check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize("code", REAL_CODES + DIGIT_CHECK_CODES)
def test_real_and_pinned_codes_are_valid(code):
    assert reference_check(code[:17]) == code[17]
    assert uscc_check_character(code[:17]) == code[17]
    assert is_valid_uscc(code)
    assert validate_uscc(code) == code


def test_digit_checks_0_to_9_are_covered():
    assert sorted(code[17] for code in DIGIT_CHECK_CODES) == list("0123456789")


def test_remainder_zero_gives_check_0():
    # Σ ≡ 0 (mod 31) gives 31 − 0 = 31, written '0' (a classic off-by-one in checkers).
    first17 = "00000000000000000"
    assert uscc_check_character(first17) == "0"
    assert is_valid_uscc(first17 + "0")


def test_every_check_character_occurs_and_matches_reference():
    # Varying position 17 over the 31 characters yields each check character exactly once.
    checks = [uscc_check_character("9134010000000000" + c) for c in CHARSET]
    assert sorted(checks) == sorted(CHARSET)
    assert checks == [reference_check("9134010000000000" + c) for c in CHARSET]


@pytest.mark.parametrize(
    "bad", ["", "9135010", "91350100M000100Y4X", "91350100m000100Y4", "91350100O000100Y4"]
)
def test_check_character_refuses_what_is_not_17_code_characters(bad):
    with pytest.raises(ValueError):
        uscc_check_character(bad)


# --- validation: what passes and how it is normalised -----------------------------------------

def test_surrounding_whitespace_is_removed():
    assert validate_uscc("  91350100M000100Y43\t\n") == "91350100M000100Y43"


def test_is_valid_uscc_is_strict_about_whitespace_and_type():
    assert not is_valid_uscc(" 91350100M000100Y43")
    assert not is_valid_uscc(None)
    assert not is_valid_uscc(91350100)
    assert not is_valid_uscc(b"91350100M000100Y43")


def test_lowercase_is_refused_not_uppercased():
    # Decision: GB 32100 writes capitals; a lower-case code was typed by hand and should be
    # checked against the licence rather than silently corrected.
    with pytest.raises(InputError) as raised:
        validate_uscc("91350100m000100y43")
    assert "bad character 'm' at position 9" in raised.value.reason
    assert "lower case" in raised.value.reason
    assert not is_valid_uscc("91350100m000100y43")


def test_organisation_code_check_is_not_required():
    # Positions 9–17 break GB 11714 here, position 18 is right: accepted (see uscc.py).
    first17 = "91340100" + "00000001" + "0"
    code = first17 + uscc_check_character(first17)
    assert not has_valid_organisation_check(code)
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_also_satisfy_the_organisation_check(code):
    assert has_valid_organisation_check(code)


def test_parts_of_a_code():
    code = "91350100M000100Y43"
    assert registration_authority(code) == "9"
    assert kind_code(code) == "91"
    assert region_code(code) == "350100"
    assert organisation_code(code) == "M000100Y4"


# --- validation: every error says what is wrong ---------------------------------------------

def _reason(value, field="applicant_uscc"):
    with pytest.raises(InputError) as raised:
        validate_uscc(value, field=field)
    error = raised.value
    assert error.field == field
    assert error.value == value
    assert error.expected == EXPECTED
    assert str(error).startswith(f"{field}: ")
    return error.reason


def test_expected_text_is_the_contract_wording():
    assert EXPECTED == "an 18-character 统一社会信用代码 (USCC) with a valid GB 32100-2015 check character"


@pytest.mark.parametrize(
    ("value", "type_name"),
    [(913501001, "int"), (None, "NoneType"), (b"91350100M000100Y43", "bytes"), (["x"], "list")],
)
def test_wrong_type(value, type_name):
    assert _reason(value) == f"expected a string, got {type_name} {value!r}"


@pytest.mark.parametrize(
    ("value", "length"), [("", 0), ("91350100M000100Y4", 17), ("91350100M000100Y433", 19)]
)
def test_wrong_length(value, length):
    assert f"has {length} characters, not 18" in _reason(value)


@pytest.mark.parametrize(
    ("value", "position", "character"),
    [
        ("91350100M0001O0Y43", 14, "O"),
        ("I1350100M000100Y43", 1, "I"),
        ("91350100M000100Z43", 16, "Z"),
        ("91350100S000100Y43", 9, "S"),
        ("91350100M000100V43", 16, "V"),
        ("91350100M000100Y4-", 18, "-"),
        ("91350100M000100Ｙ43", 16, "Ｙ"),  # full-width Y
        ("9135010 M000100Y43", 8, " "),
    ],
)
def test_bad_character_names_its_position(value, position, character):
    assert f"bad character {character!r} at position {position}" in _reason(value)


def test_letter_in_region_part_is_refused_with_why():
    reason = _reason("9135A100M000100Y43")
    assert "bad character 'A' at position 5" in reason
    assert "digits only" in reason


def test_first_bad_position_is_reported():
    assert "position 2" in _reason("9O35010OM000100Y43")


def test_wrong_check_character_says_which_it_should_be():
    assert _reason("91350100M000100Y44").endswith("check character should be '3' not '4'")


def test_field_is_named_in_the_message():
    pattern = (
        r"^supplier_uscc: '91350100M000100Y44': check character should be '3' not '4' "
        r"\(expected an 18-character"
    )
    with pytest.raises(InputError, match=pattern):
        validate_uscc("91350100M000100Y44", field="supplier_uscc")


# --- make_uscc ------------------------------------------------------------------------------

def test_make_uscc_is_deterministic_and_embeds_its_parts():
    code = make_uscc(42, region="440300", kind="92")
    assert code == make_uscc(42, region="440300", kind="92")
    assert kind_code(code) == "92"
    assert region_code(code) == "440300"
    assert organisation_code(code)[:8] == "00000042"
    assert has_valid_organisation_check(code)
    assert make_uscc(1) == "91340100000000019A"


def test_make_uscc_distinct_sequences_give_distinct_codes():
    assert len({make_uscc(seq) for seq in range(500)}) == 500


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seq": -1},
        {"seq": 100_000_000},
        {"seq": True},
        {"seq": "1"},
        {"seq": 1, "region": "34010"},
        {"seq": 1, "region": "34010A"},
        {"seq": 1, "kind": "9"},
        {"seq": 1, "kind": "9I"},
    ],
)
def test_make_uscc_refuses_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        make_uscc(**kwargs)


@given(
    seq=st.integers(min_value=0, max_value=99_999_999),
    region=st.text(alphabet="0123456789", min_size=6, max_size=6),
    kind=st.text(alphabet=CHARSET, min_size=2, max_size=2),
    position=st.integers(min_value=0, max_value=16),
    replacement=st.sampled_from(CHARSET),
)
def test_make_uscc_is_valid_and_any_single_change_is_caught(seq, region, kind, position, replacement):
    code = make_uscc(seq, region=region, kind=kind)
    assert is_valid_uscc(code)
    assert reference_check(code[:17]) == code[17]
    if replacement == code[position]:
        replacement = CHARSET[(CHARSET.index(replacement) + 1) % len(CHARSET)]
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_uscc(changed)
    with pytest.raises(InputError):
        validate_uscc(changed)
