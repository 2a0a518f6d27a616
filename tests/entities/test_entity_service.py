"""Adding entities and recording facts: history kept, nothing overwritten, audit log in step."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from huiqi.entities import InputProblems, add_entity, check_entities, get_entity, record_facts
from huiqi.entities.models import entities, entity_facts
from huiqi.errors import InputError
from huiqi.ledger.chain import verify_events
from huiqi.ledger.db import transaction

from ._support import uscc, wrong_check

JAN, JUN = dt.date(2024, 1, 10), dt.date(2024, 6, 1)
CODE = uscc(7)


def _add(engine, **changes):
    fields = {"uscc": CODE, "name": "合肥七号科技有限公司", "kind": "enterprise", "region_code": "340100",
              "founded_on": "2016-05-04", "facts": {"employee_count": 80}, "recorded_on": JAN, **changes}
    with transaction(engine) as session:
        return add_entity(session, **fields)


def _show(engine, **options):
    with transaction(engine, read_only=True) as session:
        return get_entity(session, CODE, **options)


def test_two_recordings_keep_both_and_the_later_is_current(engine):
    _add(engine)
    with transaction(engine) as session:
        done = record_facts(session, CODE, {"employee_count": 95, "prior_year_revenue_amount": "12000000"},
                            JUN, "2024 年报")
    assert done.recorded == {"employee_count": 95, "prior_year_revenue_amount": "12000000.00"}
    view = _show(engine)
    assert [(f.name, f.value, f.recorded_on) for f in view.history] == [
        ("employee_count", 80, JAN), ("employee_count", 95, JUN), ("prior_year_revenue_amount", "12000000.00", JUN)]
    assert view.facts["employee_count"].value == 95 and view.facts["employee_count"].source == "2024 年报"
    assert _show(engine, as_of=dt.date(2024, 3, 1)).fact_values() == {"employee_count": 80}
    with transaction(engine, read_only=True) as session:
        assert verify_events(session) == [] and check_entities(session) == []


def test_a_value_already_in_force_is_not_recorded_again_and_a_backdated_change_is(sqlite_engine):
    _add(sqlite_engine)
    with transaction(sqlite_engine) as session:
        assert record_facts(session, CODE, {"employee_count": 80}, JUN, "again").unchanged == ("employee_count",)
        assert record_facts(session, CODE, {"employee_count": 70}, dt.date(2023, 1, 1), "backfill").recorded
    assert _show(sqlite_engine).facts["employee_count"].value == 80  # latest by recorded_on


def test_adding_again_with_the_same_fields_only_records_changed_facts(sqlite_engine):
    assert _add(sqlite_engine).created
    again = _add(sqlite_engine, facts={"employee_count": 80, "is_specialised_sme": True}, recorded_on=JUN)
    assert not again.created and again.recorded == {"is_specialised_sme": True}
    assert again.unchanged == ("employee_count",)


def test_adding_a_uscc_on_record_with_another_name_is_refused(sqlite_engine):
    _add(sqlite_engine)
    with pytest.raises(InputError, match="name '另一个名字' differs from the record"):
        _add(sqlite_engine, name="另一个名字")


def test_every_bad_field_is_reported_at_once(sqlite_engine):
    with pytest.raises(InputProblems) as raised:
        _add(sqlite_engine, uscc=wrong_check(CODE), kind="company", region_code="12345",
             facts={"loan_amount": "4,800.00"})
    lines = str(raised.value).splitlines()
    assert [line.split(":")[0] for line in lines] == ["uscc", "kind", "region_code", "loan_amount"]


def test_facts_of_an_entity_not_on_record_are_refused(sqlite_engine):
    with transaction(sqlite_engine) as session, pytest.raises(InputError, match="no entity with USCC"):
        record_facts(session, CODE, {"employee_count": 1}, JAN, "x")


def test_entity_fields_cannot_be_recorded_as_facts(sqlite_engine):
    with pytest.raises(InputError, match="region_code is an entity field"):
        _add(sqlite_engine, facts={"region_code": "340100"})


def test_the_audit_check_finds_edited_and_deleted_rows(sqlite_engine):
    _add(sqlite_engine)
    with transaction(sqlite_engine) as session:
        session.execute(update(entities).values(name="改过的名字"))
        session.execute(update(entity_facts).values(value=81))
    with transaction(sqlite_engine, read_only=True) as session:
        problems = check_entities(session)
    assert any("name differs from its add_entity event" in p for p in problems)
    assert any("has no record_facts event" in p for p in problems)
    assert any("not in entity_facts" in p for p in problems)
