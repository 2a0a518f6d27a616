"""统一社会信用代码 (USCC): the GB 32100-2015 check character, validation and sample codes."""

from __future__ import annotations

import re

from huiqi.errors import InputError

# GB 32100-2015 §4: the 31 code characters, in value order (0–30). I, O, Z, S and V are left
# out because they are easily mistaken for 1, 0, 2, 5 and U.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {character: value for value, character in enumerate(CHARSET)}

# Weight of positions 1–17 (ISO 7064 MOD 31-3 as GB 32100 uses it: 3**(i-1) mod 31).
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

USCC_LENGTH = 18
REGION_POSITIONS = range(3, 9)  # 1-based: positions 3–8 are a GB/T 2260 region code, digits only
EXPECTED = "an 18-character 统一社会信用代码 (USCC) with a valid GB 32100-2015 check character"

# GB 11714-1997 organisation code (positions 9–17): eight body characters, then a check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SIX_DIGITS = re.compile(r"[0-9]{6}")


def uscc_check_character(first17: str) -> str:
    """The GB 32100-2015 check character (position 18) for the first 17 characters.

    :param first17: positions 1–17, upper case, from the 31-character code set.
    :returns: one character of the code set.
    :raises ValueError: when ``first17`` is not 17 code-set characters (a caller's bug).
    """
    if len(first17) != USCC_LENGTH - 1 or any(c not in _VALUE for c in first17):
        raise ValueError(f"need 17 characters of {CHARSET!r}, got {first17!r}")
    weighted_sum = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    # 31 − (Σ mod 31), where a result of 31 is written '0': the same as (−Σ) mod 31.
    return CHARSET[-weighted_sum % 31]


def is_valid_uscc(code: object) -> bool:
    """True when ``code`` is exactly a valid USCC (no surrounding whitespace, upper case)."""
    return isinstance(code, str) and _problem(code) is None


def validate_uscc(value: object, field: str = "applicant_uscc") -> str:
    """The USCC in ``value``, surrounding whitespace removed; InputError saying what is wrong.

    Lower-case letters are refused, not upper-cased: GB 32100 writes the code in capitals, and a
    lower-case code has been typed by hand, where I/1, O/0, S/5 slips are likely too — the person
    should look at the licence again rather than have a guess accepted.
    """
    if not isinstance(value, str):
        reason = f"expected a string, got {type(value).__name__} {value!r}"
        raise InputError(field, value, EXPECTED, reason=reason)
    code = value.strip()
    problem = _problem(code)
    if problem is not None:
        raise InputError(field, value, EXPECTED, reason=f"{code!r}: {problem}")
    return code


def _problem(code: str) -> str | None:
    """What is wrong with a USCC string, in words, or None when it is valid."""
    if len(code) != USCC_LENGTH:
        return f"has {len(code)} characters, not {USCC_LENGTH}"
    for position, character in enumerate(code, start=1):
        problem = _character_problem(position, character)
        if problem is not None:
            return problem
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return f"check character should be {expected!r} not {code[17]!r}"
    return None


def _character_problem(position: int, character: str) -> str | None:
    """Why ``character`` cannot stand at 1-based ``position`` of a USCC, or None."""
    where = f"bad character {character!r} at position {position}"
    if position in REGION_POSITIONS and not ("0" <= character <= "9"):
        return f"{where} (positions 3–8 are the GB/T 2260 region code, digits only)"
    if character in _VALUE:
        return None
    if character.upper() in _VALUE:
        return f"{where} (lower case; GB 32100-2015 uses capital letters only)"
    return f"{where} (allowed: digits and capital letters except I, O, Z, S, V)"


# --- parts of a code -------------------------------------------------------------------------

def registration_authority(code: str) -> str:
    """Position 1: the registering department (1 机构编制, 5 民政, 9 工商/市场监管, Y 其他 …)."""
    return code[0]


def kind_code(code: str) -> str:
    """Positions 1–2: authority and kind together, e.g. '91' enterprise, '92' 个体工商户."""
    return code[:2]


def region_code(code: str) -> str:
    """Positions 3–8: the GB/T 2260 code of the registering authority's region."""
    return code[2:8]


def organisation_code(code: str) -> str:
    """Positions 9–17: the GB 11714 organisation code (主体标识码), its own check last."""
    return code[8:17]


# Positions 9–17 carry their own GB 11714 check character, and is_valid_uscc deliberately does
# NOT require it: GB 32100 validates only position 18, and real codes are reported that do not
# follow every rule of the standard (e.g. hutool issue #4119: Xiamen codes issued before 2016).
# Refusing a genuine enterprise on a rule the registry itself did not always apply would be worse
# than accepting a code with a consistent position 18. This check is informational (data quality).
def has_valid_organisation_check(code: str) -> bool:
    """True when positions 9–17 of a valid USCC satisfy the GB 11714-1997 check (informational)."""
    return code[16] == _organisation_check_character(code[8:16])


# --- sample codes ----------------------------------------------------------------------------

MAX_SAMPLE_SEQ = 99_999_999


def make_uscc(seq: int, region: str = "340100", kind: str = "91") -> str:
    """A valid USCC made from a sequence number, deterministically (sample data and tests).

    Positions 9–16 are ``seq`` as eight digits and position 17 its GB 11714 check, so the
    organisation code is consistent too; position 18 is the GB 32100 check.

    :raises ValueError: for a sequence outside 0–99,999,999, a region that is not six digits or
        a kind that is not two code-set characters (a caller's bug).
    """
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= MAX_SAMPLE_SEQ:
        raise ValueError(f"seq must be an int in 0..{MAX_SAMPLE_SEQ}, got {seq!r}")
    if not isinstance(region, str) or not _SIX_DIGITS.fullmatch(region):
        raise ValueError(f"region must be six digits, got {region!r}")
    if not isinstance(kind, str) or len(kind) != 2 or any(c not in _VALUE for c in kind):
        raise ValueError(f"kind must be two characters of {CHARSET!r}, got {kind!r}")
    body = f"{seq:08d}"
    organisation = body + _organisation_check_character(body)
    first17 = kind + region + organisation
    return first17 + uscc_check_character(first17)


def _organisation_check_character(body: str) -> str:
    """GB 11714-1997 check character of an eight-character organisation-code body."""
    values = [int(c, 36) for c in body]  # GB 11714 values: 0–9, then A=10 … Z=35
    remainder = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))
