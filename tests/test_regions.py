"""Tests of huiqi.regions: the shipped GB/T 2260 table, names, prefix rules and bad shapes."""

from __future__ import annotations

import attrs
import pytest

from huiqi.errors import ConfigError, InputError
from huiqi.regions import (
    EXPECTED,
    Region,
    _region_from_row,
    _regions_by_code,
    all_regions,
    cities_of,
    city_of,
    display,
    in_prefix,
    province_of,
    region_name,
    validate_region,
)

GUANGDONG_CITIES = {
    "440100": "广州市", "440200": "韶关市", "440300": "深圳市", "440400": "珠海市",
    "440500": "汕头市", "440600": "佛山市", "440700": "江门市", "440800": "湛江市",
    "440900": "茂名市", "441200": "肇庆市", "441300": "惠州市", "441400": "梅州市",
    "441500": "汕尾市", "441600": "河源市", "441700": "阳江市", "441800": "清远市",
    "441900": "东莞市", "442000": "中山市", "445100": "潮州市", "445200": "揭阳市",
    "445300": "云浮市",
}  # fmt: skip

ANHUI_CITIES = {
    "340100": "合肥市", "340200": "芜湖市", "340300": "蚌埠市", "340400": "淮南市",
    "340500": "马鞍山市", "340600": "淮北市", "340700": "铜陵市", "340800": "安庆市",
    "341000": "黄山市", "341100": "滁州市", "341200": "阜阳市", "341300": "宿州市",
    "341500": "六安市", "341600": "亳州市", "341700": "池州市", "341800": "宣城市",
}  # fmt: skip


# --- the shipped table -----------------------------------------------------------------------

def test_counts():
    provinces = [r for r in all_regions() if r.level == "province"]
    assert len(provinces) == 34
    assert len(cities_of("340000")) == 16
    assert len(cities_of("440000")) == 21
    assert len(all_regions()) == 34 + 16 + 21


def test_every_province_code_ends_in_0000_and_every_city_has_its_province():
    codes = {r.code for r in all_regions()}
    for region in all_regions():
        if region.level == "province":
            assert region.code.endswith("0000")
        else:
            assert region.code.endswith("00") and not region.code.endswith("0000")
            assert province_of(region.code) in codes


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("110000", "北京市"),
        ("340000", "安徽省"),
        ("440000", "广东省"),
        ("450000", "广西壮族自治区"),
        ("650000", "新疆维吾尔自治区"),
        ("710000", "台湾省"),
        ("810000", "香港特别行政区"),
        ("820000", "澳门特别行政区"),
    ],
)
def test_province_names(code, name):
    assert region_name(code) == name


def test_anhui_cities_exactly():
    assert {r.code: r.name for r in cities_of("340000")} == ANHUI_CITIES


def test_guangdong_cities_exactly():
    assert {r.code: r.name for r in cities_of("440000")} == GUANGDONG_CITIES


def test_retired_anhui_codes_are_not_shipped():
    # 340900 is unused and 341400 (old 巢湖市) was abolished in 2011.
    assert region_name("340900") is None
    assert region_name("341400") is None


def test_cities_of_is_in_code_order_and_returns_regions():
    cities = cities_of("440000")
    assert [c.code for c in cities] == sorted(GUANGDONG_CITIES)
    assert cities[0] == Region(code="440100", name="广州市", level="city")


def test_cities_of_a_municipality_or_unshipped_province_is_empty():
    assert cities_of("110000") == []
    assert cities_of("320000") == []


def test_cities_of_refuses_a_city_code():
    with pytest.raises(InputError) as raised:
        cities_of("340100")
    assert raised.value.field == "province_code"
    assert "not a province-level code" in raised.value.reason


def test_region_is_frozen():
    region = cities_of("340000")[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        region.name = "x"


def test_table_is_loaded_once():
    assert _regions_by_code() is _regions_by_code()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"code": "34010", "name": "合肥市", "level": "city"}, "not six digits"),
        ({"code": "340100", "name": "", "level": "city"}, "has no name"),
        ({"code": "340100", "name": "合肥市", "level": "county"}, "level 'county'"),
        ({"name": "合肥市", "level": "city"}, "not six digits"),
    ],
)
def test_a_malformed_data_row_is_a_config_error_naming_the_line(row, message):
    with pytest.raises(ConfigError, match=rf"regions\.csv line 7: .*{message}"):
        _region_from_row(row, 7)


# --- names and display -----------------------------------------------------------------------

def test_county_not_shipped_has_no_name_not_its_citys():
    assert region_name("340102") is None  # 瑶海区 is not shipped; 合肥市 would be wrong


def test_display():
    assert display("340100") == "340100 合肥市"
    assert display("440000") == "440000 广东省"
    assert display("340102") == "340102"
    assert display(" 440300 ") == "440300 深圳市"


# --- prefix rules ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("code", "province", "city"),
    [
        ("340102", "340000", "340100"),
        ("340100", "340000", "340100"),
        ("340000", "340000", "340000"),
        ("441900", "440000", "441900"),
        ("445302", "440000", "445300"),
    ],
)
def test_province_and_city_of(code, province, city):
    assert province_of(code) == province
    assert city_of(code) == city


@pytest.mark.parametrize(
    ("code", "prefix", "inside"),
    [
        ("340102", "34", True),
        ("340102", "340000", True),
        ("340102", "3401", True),
        ("340102", "340100", True),
        ("340102", "340102", True),
        ("340102", "340200", False),
        ("340102", "440000", False),
        ("340100", "340000", True),
        ("340000", "340100", False),  # a province is not inside one of its cities
        ("441900", "440000", True),
        ("440100", "441900", False),
    ],
)
def test_in_prefix(code, prefix, inside):
    assert in_prefix(code, prefix) is inside


@pytest.mark.parametrize("prefix", ["3", "340", "3401000", 34, None, "34a1"])
def test_in_prefix_refuses_a_malformed_prefix(prefix):
    with pytest.raises(InputError) as raised:
        in_prefix("340102", prefix)
    assert raised.value.field == "prefix"


# --- validation ------------------------------------------------------------------------------

def test_valid_codes_are_returned_normalised():
    assert validate_region("340100") == "340100"
    assert validate_region(" 340100\n") == "340100"


def test_a_well_shaped_code_not_shipped_is_accepted():
    assert validate_region("340102") == "340102"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("34010", '"34010" is not six digits 0–9'),
        ("3401000", '"3401000" is not six digits 0–9'),
        ("34O100", '"34O100" is not six digits 0–9'),
        ("abcdef", '"abcdef" is not six digits 0–9'),
        ("３４０１００", '"３４０１００" is not six digits 0–9'),  # full-width digits
        ("", '"" is not six digits 0–9'),
        (340100, "expected a string, got int 340100"),
        (None, "expected a string, got NoneType null"),
        (340100.0, "expected a string, got float 340100.0"),
    ],
)
@pytest.mark.parametrize("field", ["region_code", "enterprise_region_code"])
def test_bad_shapes_name_the_field(value, reason, field):
    with pytest.raises(InputError) as raised:
        validate_region(value, field=field)
    error = raised.value
    assert (error.field, error.value, error.reason, error.expected) == (field, value, reason, EXPECTED)
    assert str(error).startswith(f"{field}: ")


@pytest.mark.parametrize("function", [region_name, province_of, city_of, display])
def test_lookups_validate_their_input(function):
    with pytest.raises(InputError) as raised:
        function(340100)
    assert raised.value.field == "region_code"
