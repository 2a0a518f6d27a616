"""The application-service catalogue (应用服务目录, spec §5.2): versions as dated parameter rows, checked.

The parameter ``catalogue`` (type ``catalogue``) has one dated row per version: the row's
``effective_from`` is the version's publication day and its ``source`` the version's source;
the row's value is validated by ``validate_version`` into a ``CatalogueVersion``, and
``check_versions`` (the validator's ``check_rows``) checks the versions together. A deployer
replaces the shipped ILLUSTRATIVE sample with the official catalogue by a file of versions in
the spec's shape (``load_catalogue_file``, named by ``catalogue_override``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Mapping

import attrs
import numpy as np
import yaml

from huiqi.config import config_path
from huiqi.errors import ConfigError, HuiqiError
from huiqi.money import parse_money, yuan_grouped
from huiqi.parameters import ParameterRow
from huiqi.rules.expr import Column, Expr, param

PARAMETER = "catalogue"
ENV_VAR = "HUIQI_GUANGDONG_VOUCHERS_CATALOGUE"  # a catalogue file for this process (wins over huiqi.toml)
CONFIG_TABLE = "guangdong_vouchers"  # huiqi.toml: [guangdong_vouchers] catalogue = "official.yaml"
ILLUSTRATIVE = "ILLUSTRATIVE sample, not official figures"
BUSINESS_AREAS = ("cloud_resources", "platform", "rd_design", "production", "management", "after_sales",
                  "equipment", "other")
CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
VERSION_KEYS = ("version", "label", "illustrative", "note", "period_cap_amount", "service_types")
FILE_KEYS = ("effective_from", "source") + VERSION_KEYS  # one version in a catalogue file (spec §5.2)
TYPE_KEYS = ("code", "name", "business_area", "cap_amount")
_DIGITS = "零一二三四五六七八九"


@attrs.frozen
class ServiceType:
    code: str
    name: str
    business_area: str
    cap_amount: int  # fen: 奖补上限 of one voucher of this type


@attrs.frozen
class CatalogueVersion:
    """One version of the catalogue; ``caps`` and ``listed`` are the tables the award looks up."""

    version: int
    label: str
    illustrative: bool
    note: str
    period_cap_amount: int  # fen: 累计上限 per enterprise per period
    service_types: tuple[ServiceType, ...]
    effective_from: dt.date | None = None  # from the dated row
    source: str = ""
    caps: Mapping[str, int] = attrs.field(init=False, eq=False, repr=False)
    listed: Mapping[str, bool] = attrs.field(init=False, eq=False, repr=False)

    @caps.default
    def _caps(self) -> Mapping[str, int]:
        return {t.code: t.cap_amount for t in self.service_types}

    @listed.default
    def _listed(self) -> Mapping[str, bool]:
        return {t.code: True for t in self.service_types}

    @property
    def short(self) -> str:
        """第一版, 第二版 … from the version number."""
        return f"第{chinese_number(self.version)}版"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.service_types)

    def type_of(self, code: str) -> ServiceType | None:
        return next((t for t in self.service_types if t.code == code), None)

    def __str__(self) -> str:
        types = "; ".join(f"{t.code} {t.name} {yuan_grouped(t.cap_amount)}" for t in self.service_types)
        flag = f" ({ILLUSTRATIVE})" if self.illustrative else ""
        return f"{self.short} {self.label}: period cap {yuan_grouped(self.period_cap_amount)}; {types}{flag}"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一; larger numbers in digits."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens <= 1 else _DIGITS[tens]) + ("十" if tens else "")
    return text + (_DIGITS[ones] if ones else "")


# --- the field of the version in force, for rules and formulas ---------------------------------


class CatalogueField(Expr):
    """A field of the catalogue version in force on the case's as_of (``caps``, ``listed``,
    ``period_cap_amount``). The version is a dated parameter row, so the batch path's parameter
    epochs already give each row its version; the field is one value per epoch."""

    def __init__(self, field: str):
        self.field = field
        self.children = (param(PARAMETER),)

    def ev(self, env) -> Any:
        return getattr(self.children[0].ev(env), self.field)

    def vec(self, venv) -> Column:
        version = venv.vec(self.children[0]).values
        if isinstance(version, np.ndarray):  # a parameter broadcast as a 0-d object array
            version = version.item()
        return Column(getattr(version, self.field))

    def describe(self) -> str:
        return f"catalogue.{self.field}"


# --- validation ----------------------------------------------------------------------------------


def _fail(where: str, version: Any, field: str, problem: str) -> ConfigError:
    return ConfigError(f"{where}: catalogue version {version}: {field}: {problem}")


def validate_version(raw: Any, where: str) -> CatalogueVersion:
    """One version (the value of a dated row) → CatalogueVersion; any mistake a ConfigError
    naming the version and the field."""
    number = raw.get("version", "?") if isinstance(raw, dict) else "?"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: a catalogue version must be a mapping with {', '.join(VERSION_KEYS)}")
    _keys(raw, VERSION_KEYS, where, number, "version")
    version = raw["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _fail(where, number, "version", f"expected a whole number ≥ 1, got {version!r}")
    label = _text(raw["label"], where, version, "label")
    if not isinstance(raw["illustrative"], bool):
        raise _fail(where, version, "illustrative", f"expected true or false, got {raw['illustrative']!r}")
    note = raw["note"]
    if not isinstance(note, str):
        raise _fail(where, version, "note", f"expected a string, got {note!r}")
    period_cap = _amount(raw["period_cap_amount"], where, version, "period_cap_amount")
    types = raw["service_types"]
    if not isinstance(types, list) or not types:
        raise _fail(where, version, "service_types", "expected a list of at least one service type")
    service_types = tuple(_service_type(item, where, version, index) for index, item in enumerate(types, start=1))
    seen: set[str] = set()
    for index, service in enumerate(service_types, start=1):
        if service.code in seen:
            raise _fail(where, version, f"service_types[{index}].code",
                        f"{service.code!r} is listed twice; a code is unique within a version")
        seen.add(service.code)
    return CatalogueVersion(version, label, raw["illustrative"], note, period_cap, service_types)


def _keys(raw: dict, allowed: tuple[str, ...], where: str, version: Any, what: str) -> None:
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise _fail(where, version, unknown[0], f"unknown field of a {what}; the fields are {', '.join(allowed)}")
    absent = [k for k in allowed if k not in raw]
    if absent:
        raise _fail(where, version, absent[0], f"missing; a {what} needs {', '.join(allowed)}")


def _text(value: Any, where: str, version: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, version, field, f"expected a non-empty string, got {value!r}")
    return value


def _amount(value: Any, where: str, version: Any, field: str) -> int:
    if isinstance(value, float):
        raise _fail(where, version, field, f"write the amount as a quoted string such as \"200000.00\", got {value!r}")
    try:
        fen = parse_money(value, field)
    except HuiqiError as error:
        raise _fail(where, version, field, str(error).removeprefix(f"{field}: ")) from None
    if fen <= 0:
        raise _fail(where, version, field, f"must be more than 0.00, got {yuan_grouped(fen)}")
    return fen


def _service_type(raw: Any, where: str, version: int, index: int) -> ServiceType:
    at = f"service_types[{index}]"
    if not isinstance(raw, dict):
        raise _fail(where, version, at, f"expected a mapping with {', '.join(TYPE_KEYS)}")
    code = raw.get("code")
    if isinstance(code, str) and CODE.fullmatch(code):
        at = f"{at} ({code})"
    _keys(raw, TYPE_KEYS, where, version, "service type")
    if not isinstance(code, str) or not CODE.fullmatch(code):
        raise _fail(where, version, f"{at}.code",
                    f"{code!r} is not a code: lowercase letters, digits and _, starting with a letter, at most 64")
    name = _text(raw["name"], where, version, f"{at}.name")
    area = raw["business_area"]
    if area not in BUSINESS_AREAS:
        raise _fail(where, version, f"{at}.business_area", f"{area!r} is not one of {', '.join(BUSINESS_AREAS)}")
    cap = _amount(raw["cap_amount"], where, version, f"{at}.cap_amount")
    return ServiceType(code, name, area, cap)


def check_versions(rows: tuple[ParameterRow, ...], where: str, start: dt.date) -> tuple[ParameterRow, ...]:
    """Across versions: the first takes effect with the policy, versions and days strictly increase.
    Each version learns its row's effective_from and source."""
    first = rows[0]
    if first.effective_from != start:
        raise _fail(where, first.value.version, "effective_from",
                    f"{first.effective_from} must equal the policy's effective date {start} (policy_effective_from, "
                    f"I-1), so that every as_of has a catalogue")
    for before, row in zip(rows, rows[1:]):
        if row.value.version <= before.value.version:
            raise _fail(where, row.value.version, "version",
                        f"must be greater than the previous version {before.value.version} (versions increase with "
                        f"effective_from)")
        if row.effective_from <= before.effective_from:
            raise _fail(where, row.value.version, "effective_from",
                        f"{row.effective_from} must be after version {before.value.version}'s {before.effective_from}")
    return tuple(attrs.evolve(row, value=attrs.evolve(row.value, effective_from=row.effective_from,
                                                      source=row.source)) for row in rows)


validate_version.check_rows = check_versions  # type: ignore[attr-defined]  (core: parameters.Validator)
VALIDATORS = {PARAMETER: validate_version}


# --- a deployer's catalogue file -----------------------------------------------------------------


def catalogue_override(environ: Mapping[str, str] = os.environ, config: Path | None = None) -> Path | None:
    """The deployer's catalogue file: ``$HUIQI_GUANGDONG_VOUCHERS_CATALOGUE``, else ``catalogue`` of
    the ``[guangdong_vouchers]`` table of huiqi.toml (relative to that file); None = the shipped one."""
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR])
    path = config or config_path()
    if not path.exists():
        return None
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the configuration: {error}") from None
    table = raw.get(CONFIG_TABLE)
    if table is None:
        return None
    if not isinstance(table, dict) or set(table) - {"catalogue"}:
        raise ConfigError(f"{path}: [{CONFIG_TABLE}] takes one key, catalogue = \"path/to/catalogue.yaml\"")
    file = table.get("catalogue")
    if file is None:
        return None
    if not isinstance(file, str) or not file.strip():
        raise ConfigError(f"{path}: [{CONFIG_TABLE}] catalogue must be the path of a catalogue file, got {file!r}")
    return path.parent / file


def load_catalogue_file(path: Path, start: dt.date) -> tuple[ParameterRow, ...]:
    """A catalogue file (spec §5.2: a list of versions under ``catalogue``) → checked dated rows."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read the catalogue: {' '.join(str(error).split())}") from None
    versions = raw.get(PARAMETER) if isinstance(raw, dict) and set(raw) == {PARAMETER} else raw
    if not isinstance(versions, list) or not versions:
        raise ConfigError(f"{path}: expected 'catalogue:' followed by a list of versions (spec §5.2), each with "
                          f"{', '.join(FILE_KEYS)}")
    rows = []
    for index, item in enumerate(versions, start=1):
        where = f"{path}: entry {index}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: a catalogue version must be a mapping with {', '.join(FILE_KEYS)}")
        number = item.get("version", "?")
        _keys(item, FILE_KEYS, str(path), number, "version")
        day = item["effective_from"]
        if isinstance(day, str):
            try:
                day = dt.date.fromisoformat(day)
            except ValueError:
                pass
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise _fail(str(path), number, "effective_from",
                        f"expected a date YYYY-MM-DD, got {item['effective_from']!r}")
        source = _text(item["source"], str(path), number, "source")
        value = validate_version({k: item[k] for k in VERSION_KEYS}, str(path))
        rows.append(ParameterRow(day, value, source))
    return check_versions(tuple(rows), str(path), start)
