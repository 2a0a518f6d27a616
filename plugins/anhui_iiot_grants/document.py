"""Assembles the plugin's Document from its facts, measures and data files."""

from __future__ import annotations

import datetime as dt
import functools
from importlib.resources import files

from huiqi.document import Document, load_kpis
from huiqi.parameters import load_parameters
from huiqi_plugins.anhui_iiot_grants.facts import FACTS
from huiqi_plugins.anhui_iiot_grants.measures import MEASURES

NAME = "anhui_iiot_grants"
HERE = files("huiqi_plugins.anhui_iiot_grants")


@functools.cache
def document() -> Document:
    return Document(
        name=NAME,
        title="支持工业互联网发展若干政策（安徽省工业互联网创新发展行动计划 2021—2023年）",
        issuer="安徽省人民政府办公厅",
        number="皖政办秘〔2021〕82号",
        issued_on=dt.date(2021, 9, 2),
        seed_file="003_6a663e9350070232.txt",
        jurisdiction="340000",
        facts=FACTS,
        measures=MEASURES,
        parameters=load_parameters(HERE / "parameters.yaml", NAME),
        kpis=load_kpis(HERE / "kpis.yaml", NAME),
        citation_prefix="003",
        notes="Interpretation authority: 省经济和信息化厅 (L60). City top-ups are allowed but outside this plugin (L58).",
    )
