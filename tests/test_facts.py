"""Tests of huiqi.facts: every fact type's good and bad values; errors name the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from huiqi.errors import InputError
from huiqi.facts import (
    BOOL,
    CATALOGUE_CODE,
    DATE,
    ENUM,
    INDUSTRY_CODE,
    INT,
    INT_MAX,
    LIST,
    MONEY,
    REGION,
    USCC,
    Fact,
    parse_date,
)

VALID_USCC = "91340100MA2N0AB1CJ"
LEVEL = ENUM("1A", "2A", "3A", "4A", "5A")
SCORE = INT(0, 100)

GOOD = [
    (BOOL, True, True), (BOOL, False, False),
    (MONEY, "4800.00", 480000), (MONEY, "4800", 480000), (MONEY, 4800, 480000), (MONEY, Decimal("0.5"), 50),
    (DATE, "2022-05-10", dt.date(2022, 5, 10)), (DATE, "2024-02-29", dt.date(2024, 2, 29)),
    (REGION, "340100", "340100"), (REGION, "000000", "000000"), (REGION, " 340100 ", "340100"),
    (USCC, VALID_USCC, VALID_USCC),
    (INT(), 0, 0), (INT(), INT_MAX, INT_MAX), (SCORE, 100, 100), (INT(1900, 2200), 2021, 2021),
    (LEVEL, "3A", "3A"),
    (LIST(LEVEL), ["3A", "5A"], ("3A", "5A")), (LIST(LEVEL), [], ()),
    (INDUSTRY_CODE, "3484", "3484"), (CATALOGUE_CODE, "cloud_service_2", "cloud_service_2"),
]

BAD = [
    (BOOL, "true"), (BOOL, 1), (BOOL, 0), (BOOL, None), (BOOL, "yes"),
    (MONEY, "-5.00"), (MONEY, "4,800.00"), (MONEY, "4800.5"), (MONEY, True), (MONEY, None), (MONEY, "abc"),
    (DATE, "2022-5-10"), (DATE, "2022-02-30"), (DATE, "2023-02-29"), (DATE, 20220510), (DATE, None),
    (DATE, "2022-05-10T00:00:00"), (DATE, "２０２２-０５-１０"), (DATE, dt.date(2022, 5, 10)), (DATE, "10/05/2022"),
    (REGION, "34010"), (REGION, "3401000"), (REGION, 340100), (REGION, "34O100"), (REGION, "３４０１００"),
    (REGION, None), (REGION, ""),
    (USCC, "91340100MA2N0AB1CX"), (USCC, "91340100MA2N0AB1C"), (USCC, "91340100ma2n0ab1cj"), (USCC, 913401),
    (INT(), -1), (INT(), INT_MAX + 1), (INT(), True), (INT(), 1.0), (INT(), "1"), (INT(), None),
    (INT(), Decimal("3")), (SCORE, 101), (INT(1900, 2200), 21),
    (LEVEL, "6A"), (LEVEL, "3a"), (LEVEL, 3), (LEVEL, None), (LEVEL, ["3A"]),
    (LIST(LEVEL), "3A"), (LIST(LEVEL), ["3A", "6A"]),
    (INDUSTRY_CODE, "348"), (INDUSTRY_CODE, 3484), (INDUSTRY_CODE, "３４８４"),
    (CATALOGUE_CODE, "Cloud"), (CATALOGUE_CODE, "1cloud"), (CATALOGUE_CODE, "cloud-service"),
]


@pytest.mark.parametrize(("kind", "value", "expected"), GOOD, ids=[f"{k.name}-{v!r}" for k, v, _ in GOOD])
def test_good_values(kind, value, expected):
    assert Fact("x", kind).parse(value) == expected


@pytest.mark.parametrize(("kind", "value"), BAD, ids=[f"{k.name}-{v!r}" for k, v in BAD])
def test_bad_values_name_the_field(kind, value):
    with pytest.raises(InputError) as caught:
        Fact("some_fact", kind).parse(value)
    message = str(caught.value)
    assert message.startswith("facts.some_fact"), message
    assert "expected" in message and "\n" not in message
    assert caught.value.field.startswith("facts.some_fact")


def test_enum_errors_list_the_allowed_values():
    with pytest.raises(InputError, match=r"expected one of 1A, 2A, 3A, 4A, 5A"):
        Fact("capability_level", LEVEL).parse("6A")


def test_list_errors_name_the_item():
    with pytest.raises(InputError) as caught:
        Fact("levels", LIST(LEVEL)).parse(["3A", "6A"])
    assert caught.value.field == "facts.levels[1]"


def test_int_range_is_in_the_message():
    with pytest.raises(InputError, match="101 is out of range .expected a whole number from 0 to 100"):
        Fact("sme_service_quality_score", SCORE).parse(101)


def test_date_not_a_calendar_day_says_so():
    with pytest.raises(InputError, match="2022-02-30 is not a calendar day"):
        parse_date("2022-02-30", "facts.loan_start_date")


def test_vector_kinds_and_choices():
    assert {BOOL.vector_kind, MONEY.vector_kind, DATE.vector_kind, REGION.vector_kind, INT().vector_kind,
            LEVEL.vector_kind, INDUSTRY_CODE.vector_kind} == {"bool", "money", "date", "region", "int", "enum",
                                                              "int_text"}
    assert LEVEL.choices == ("1A", "2A", "3A", "4A", "5A") and LIST(LEVEL).choices == LEVEL.choices
    assert USCC.vector_kind == CATALOGUE_CODE.vector_kind == "object"


def test_every_fact_of_every_installed_plugin_has_a_known_type(registry):
    known = {"bool", "money", "date", "region", "uscc", "int", "enum", "industry_code", "catalogue_code"}
    for document in registry.documents:
        for fact in document.facts.values():
            assert fact.type.name in known or fact.type.name.startswith("list of "), (document.name, fact.name)
            assert fact.name == fact.name.lower() and " " not in fact.name
            if fact.type.name == "money":
                assert fact.name.endswith("_amount"), f"{fact.name}: money facts end in _amount (CONTRACT)"
