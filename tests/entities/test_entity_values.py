"""How a cell becomes a fact's JSON value: the text rules, then the type the fact's name implies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from huiqi.entities.rows import fact_of
from huiqi.errors import InputError


@pytest.mark.parametrize(("name", "cell", "value"), [
    ("is_specialised_sme", "TRUE", True),
    ("is_specialised_sme", "false", False),
    ("employee_count", "120", 120),
    ("employee_count", 120.0, 120),
    ("patent_total", "007", "007"),                     # not a canonical integer: stays text
    ("note", "4800.00", "4800.00"),                      # money-looking text stays text
    ("annual_revenue_amount", "4800", "4800.00"),
    ("annual_revenue_amount", "4800.50", "4800.50"),
    ("annual_revenue_amount", Decimal("4800.5"), "4800.50"),  # a number cell
    ("industry_code", "3484", "3484"),
    ("industry_code", 3484, "3484"),
    ("industry_code", "0610", "0610"),
    ("authorised_entity_region", 340100, "340100"),
    ("supplier_uscc", " 91340100000000019A ", "91340100000000019A"),
    ("established_date", dt.datetime(2015, 3, 2), "2015-03-02"),
    ("listed_on", "2020-01-02", "2020-01-02"),
    ("submitted_materials", '["business_licence", "test_report"]', ["business_licence", "test_report"]),
    ("anything", "  ", None),
])
def test_cells_become_typed_json_values(name, cell, value):
    assert fact_of(name, cell, text=True) == value


@pytest.mark.parametrize(("name", "cell"), [
    ("annual_revenue_amount", "4,800.00"),
    ("annual_revenue_amount", "4800.5"),
    ("annual_revenue_amount", "-1"),
    ("employee_count", "-3"),
    ("employee_count", "many"),
    ("established_date", "2019-02-30"),
    ("supplier_uscc", "91340100000000019B"),
    ("score", Decimal("85.5")),
    ("materials", "[not json"),
    ("注册资本", "1"),
    ("CamelCase", "1"),
])
def test_cells_that_do_not_fit_their_fact_are_refused(name, cell):
    with pytest.raises(InputError):
        fact_of(name, cell, text=True)


def test_json_lines_strings_are_not_read_as_text_cells():
    assert fact_of("flag", "true", text=False) == "true"
