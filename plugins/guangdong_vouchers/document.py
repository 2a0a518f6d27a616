"""Assembles the plugin's Document from its facts, measures, parameters (with the catalogue in force) and KPIs."""

from __future__ import annotations

import functools
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from huiqi.document import Document, load_kpis
from huiqi.errors import ConfigError
from huiqi.parameters import ParameterSet, load_parameters
from huiqi_plugins.guangdong_vouchers.catalogue import (ILLUSTRATIVE, PARAMETER, VALIDATORS, catalogue_override,
                                                        load_catalogue_file)
from huiqi_plugins.guangdong_vouchers.facts import FACTS
from huiqi_plugins.guangdong_vouchers.measures import MEASURES

NAME = "guangdong_vouchers"
HERE = files("huiqi_plugins.guangdong_vouchers")
SEED_FILE = "002_95398b8373b4037e.txt"


def _issuance_ratio(value: Any, where: str) -> int:
    """八（二） "实际发放额度为目标额度的1至2倍": a whole percentage from 100 to 200 (I-21)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 200:
        raise ConfigError(f"{where}: expected a whole percentage from 100 to 200 (八（二） 1至2倍), got {value!r}")
    return value


def document() -> Document:
    """The document with the catalogue in force for this deployment (the shipped ILLUSTRATIVE sample,
    or the file named by $HUIQI_GUANGDONG_VOUCHERS_CATALOGUE or huiqi.toml [guangdong_vouchers])."""
    override = catalogue_override()
    if override is None:
        return build_document(None, None)
    try:
        stamp = override.stat().st_mtime_ns  # an edited file is read again
    except OSError as error:
        raise ConfigError(f"{override}: cannot read the catalogue: {error}") from None
    return build_document(override.resolve(), stamp)


@functools.cache
def build_document(catalogue_file: Path | None, stamp: int | None = None) -> Document:
    validators = VALIDATORS | {"issuance_ratio_percent": _issuance_ratio}
    parameters = load_parameters(HERE / "parameters.yaml", NAME, validators)
    _check_effective_from(parameters)
    if catalogue_file is not None:
        parameters = with_catalogue(parameters, catalogue_file)
    return Document(
        name=NAME,
        title="广东省工业企业“上云上平台”服务券奖补工作方案（试行）",
        issuer="广东省经济和信息化委员会",
        number="",
        issued_on=None,
        seed_file=SEED_FILE,
        jurisdiction="440000",
        facts=FACTS,
        measures=MEASURES,
        parameters=parameters,
        kpis=load_kpis(HERE / "kpis.yaml", NAME),
        citation_prefix="002 上云上平台服务券方案",
        notes=_notes(parameters),
    )


def with_catalogue(parameters: ParameterSet, path: Path) -> ParameterSet:
    """The parameters with the catalogue replaced, whole, by the versions of a deployer's file."""
    rows = load_catalogue_file(path, parameters.effective_from)
    replaced = dict(parameters.parameters)
    replaced[PARAMETER] = attrs.evolve(parameters[PARAMETER], rows=rows)
    return ParameterSet(parameters.document, parameters.effective_from, parameters.effective_to, replaced,
                        parameters.validators)


def _check_effective_from(parameters: ParameterSet) -> None:
    declared = parameters["policy_effective_from"].rows[0].value
    if declared != parameters.effective_from:
        raise ConfigError(f"{NAME} parameters.yaml: policy_effective_from {declared} differs from effective_from "
                          f"{parameters.effective_from}; set both to the publication date (I-1)")


def _notes(parameters: ParameterSet) -> str:
    versions = [row.value for row in parameters[PARAMETER].rows]
    listed = ", ".join(f"{v.short} from {v.effective_from}" + (" (ILLUSTRATIVE)" if v.illustrative else "")
                       for v in versions)
    text = (f"No document number or date in the text; effective from {parameters.effective_from}, the date on the "
            f"seed (I-1); issuer from 九 (I-2). Catalogue versions: {listed}.")
    if any(v.illustrative for v in versions):
        text += (f" The catalogue is an {ILLUSTRATIVE}: replace it with the official 应用服务目录 "
                 f"(huiqi.toml [guangdong_vouchers] catalogue = \"…\").")
    return text
