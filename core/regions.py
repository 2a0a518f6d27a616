"""GB/T 2260 administrative division codes: validation, names and province/city prefixes."""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import re
from typing import Literal

import attrs

from huiqi.errors import ConfigError, InputError, show_value

EXPECTED = "a six-digit GB/T 2260 administrative division code as a string, e.g. '340100'"
DATA_FILE = "data/regions.csv"
LEVELS = ("province", "city")

# ASCII digits only: str.isdigit() would also let through full-width '３４０１００' or '²'.
_SIX_DIGITS = re.compile(r"[0-9]{6}")
_PREFIX = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}")


@attrs.frozen
class Region:
    """One administrative division shipped in regions.csv."""

    code: str
    name: str
    level: Literal["province", "city"]


# --- validation ------------------------------------------------------------------------------

def validate_region(value: object, field: str = "region_code") -> str:
    """The six-digit code in ``value`` (surrounding whitespace removed), else InputError.

    A well-shaped code that is not shipped is accepted: regions.csv holds the provinces and some
    cities, not every county, and a county code is still a good code.
    """
    if not isinstance(value, str):
        # An int would lose nothing for today's codes, but it is how spreadsheets mangle codes
        # (3.401e5, leading zeros of other code lists): make the source keep them as text.
        reason = f"expected a string, got {type(value).__name__} {show_value(value)}"
        raise InputError(field, value, EXPECTED, reason=reason)
    code = value.strip()
    if not _SIX_DIGITS.fullmatch(code):
        raise InputError(field, value, EXPECTED, reason=f"{show_value(code)} is not six digits 0–9")
    return code


# --- the shipped table -----------------------------------------------------------------------

@functools.cache
def _regions_by_code() -> dict[str, Region]:
    """regions.csv, read once on first use, keyed by code."""
    text = importlib.resources.files("huiqi").joinpath(DATA_FILE).read_text(encoding="utf-8")
    regions: dict[str, Region] = {}
    for line_number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        region = _region_from_row(row, line_number)
        if region.code in regions:
            raise ConfigError(f"huiqi/{DATA_FILE} line {line_number}: code {region.code} appears twice")
        regions[region.code] = region
    return regions


def _region_from_row(row: dict[str, str], line_number: int) -> Region:
    """One row of regions.csv as a Region; ConfigError naming the line when it is malformed."""
    where = f"huiqi/{DATA_FILE} line {line_number}"
    code, name, level = row.get("code"), row.get("name"), row.get("level")
    if code is None or not _SIX_DIGITS.fullmatch(code):
        raise ConfigError(f"{where}: code {code!r} is not six digits")
    if not name:
        raise ConfigError(f"{where}: code {code} has no name")
    if level not in LEVELS:
        raise ConfigError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
    return Region(code=code, name=name, level=level)


def all_regions() -> list[Region]:
    """Every shipped region, in code order."""
    return sorted(_regions_by_code().values(), key=lambda region: region.code)


def region_name(code: str) -> str | None:
    """The shipped name of exactly this code, or None.

    A county that is not shipped gets None, not its city's name: a wrong name on a document is
    worse than none.
    """
    region = _regions_by_code().get(validate_region(code))
    return region.name if region else None


def display(code: str) -> str:
    """The code with its name for people, e.g. '340100 合肥市'; the bare code when unnamed."""
    code = validate_region(code)
    name = region_name(code)
    return f"{code} {name}" if name else code


def cities_of(province_code: str) -> list[Region]:
    """The shipped prefecture-level cities of a province, in code order.

    Municipalities (北京市 …) and provinces whose cities are not shipped give an empty list.
    """
    code = validate_region(province_code, field="province_code")
    if code != province_of(code):
        reason = f"{code!r} is not a province-level code (it should end in 0000)"
        raise InputError("province_code", province_code, EXPECTED, reason=reason)
    return [r for r in all_regions() if r.level == "city" and in_prefix(r.code, code)]


# --- prefix rules ----------------------------------------------------------------------------

def province_of(code: str) -> str:
    """The province-level code a code belongs to: its first two digits + '0000'."""
    return validate_region(code)[:2] + "0000"


def city_of(code: str) -> str:
    """The prefecture-level code a code belongs to: its first four digits + '00'.

    For a province code this is the province code itself.
    """
    return validate_region(code)[:4] + "00"


def in_prefix(code: str, prefix: str) -> bool:
    """True when ``code`` lies inside ``prefix``.

    ``prefix`` is either raw leading digits ('34', '3401', '340102') or a region code standing
    for its area: trailing '00' pairs are dropped, so '340000' means '34' (all of Anhui) and
    '340100' means '3401' (all of Hefei). County parts never end in 00, so this is unambiguous.
    """
    code = validate_region(code)
    significant = _significant_prefix(prefix)
    return code.startswith(significant)


def _significant_prefix(prefix: object) -> str:
    """The leading digits a prefix or region code stands for ('340000' → '34')."""
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        reason = f"prefix {prefix!r} is not 2, 4 or 6 digits"
        raise InputError("prefix", prefix, "2, 4 or 6 digits, or a six-digit region code", reason=reason)
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix
