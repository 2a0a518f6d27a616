"""anhui_iiot_grants applications through the generic engine, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from huiqi.errors import LedgerError, WorkflowError
from huiqi.ledger import check, find_account, verify_events
from huiqi.ledger.db import transaction

D = dt.date(2022, 5, 10)
EQUIPMENT = {"region_code": "340100", "is_digital_network_intelligent_upgrade": True,
             "equipment_purchase_amount": "8600000.00"}


def approve(deployment, app_id, uscc):
    deployment.act(app_id, "submit", f"enterprise:{uscc}", D)
    deployment.act(app_id, "city_recommend", "city_bureau:340100", D)
    return deployment.act(app_id, "province_approve", "provincial_bureau", D)


def test_a_clean_award_is_reserved_confirmed_and_paid_once(deployment, uscc):
    budget = deployment.fund("equipment_upgrade", 2022, 10_000_000)
    applicant = uscc(1)
    app_id = deployment.apply("equipment_upgrade", applicant, EQUIPMENT, D, project="P-1")
    assert approve(deployment, app_id, applicant) == "approved"
    with transaction(deployment.engine, read_only=True) as session:
        account = find_account(session, budget)
        assert account.debits_pending == 860_000_00 and account.balance == 10_000_000_00
    assert deployment.act(app_id, "finance_confirm", "provincial_finance", D) == "funds_confirmed"
    first = deployment.pay(dt.date(2022, 6, 1))
    again = deployment.pay(dt.date(2022, 6, 2))
    assert [o.paid for o in first] == [True] and again == []
    assert deployment.state(app_id) == "paid"
    with transaction(deployment.engine, read_only=True) as session:
        account = find_account(session, budget)
        assert account.debits_pending == 0 and account.balance == (10_000_000 - 860_000) * 100
        assert check(session) == [] and verify_events(session) == []


def test_refusals_name_the_role_scope_state_and_note(deployment, uscc):
    deployment.fund("equipment_upgrade", 2022, 10_000_000)
    applicant = uscc(2)
    app_id = deployment.apply("equipment_upgrade", applicant, EQUIPMENT, D, project="P-2")
    with pytest.raises(WorkflowError, match="wrong role"):
        deployment.act(app_id, "submit", "provincial_bureau", D)
    with pytest.raises(WorkflowError, match="not the applicant"):
        deployment.act(app_id, "submit", f"enterprise:{uscc(3)}", D)
    with pytest.raises(WorkflowError, match="wrong state"):
        deployment.act(app_id, "city_recommend", "city_bureau:340100", D)
    deployment.act(app_id, "submit", f"enterprise:{applicant}", D)
    with pytest.raises(WorkflowError, match="wrong scope.*340100"):
        deployment.act(app_id, "city_recommend", "city_bureau:340200", D)
    with pytest.raises(WorkflowError, match="--note"):
        deployment.act(app_id, "reject", "city_bureau:340100", D)
    with pytest.raises(WorkflowError, match="unknown action"):
        deployment.act(app_id, "approve_everything", "provincial_bureau", D)
    assert deployment.state(app_id) == "submitted"  # nothing changed by any refusal


def test_a_second_award_for_the_same_project_is_refused(deployment, uscc):
    deployment.fund("equipment_upgrade", 2022, 10_000_000)
    first, second = uscc(4), uscc(5)
    one = deployment.apply("equipment_upgrade", first, EQUIPMENT, D, project="P-SHARED")
    two = deployment.apply("equipment_upgrade", second, EQUIPMENT, D, project="P-SHARED")
    assert approve(deployment, one, first) == "approved"
    deployment.act(two, "submit", f"enterprise:{second}", D)
    deployment.act(two, "city_recommend", "city_bureau:340100", D)
    with pytest.raises(WorkflowError, match="equipment_upgrade.one_off"):
        deployment.act(two, "province_approve", "provincial_bureau", D)


def test_loan_interest_and_equipment_of_one_project_may_stack_but_not_across_plugins_rules(deployment, uscc):
    deployment.fund("equipment_upgrade", 2022, 10_000_000)
    deployment.fund("loan_interest_subsidy", 2022, 10_000_000)
    applicant = uscc(6)
    grant = deployment.apply("equipment_upgrade", applicant, EQUIPMENT, D, project="P-LOAN")
    loan = deployment.apply("loan_interest_subsidy", applicant, {
        "region_code": "340100", "is_digital_network_intelligent_upgrade": True,
        "loan_principal_amount": "20000000.00", "loan_term_months": 60, "claim_months": 12,
        "interest_paid_amount": "870000.00"}, D, project="P-LOAN")
    assert approve(deployment, grant, applicant) == "approved"
    assert approve(deployment, loan, applicant) == "approved"
    network = deployment.apply("network_upgrade", applicant, {"region_code": "340100"}, D, project="P-LOAN")
    deployment.fund("network_upgrade", 2022, 10_000_000)
    deployment.act(network, "submit", f"enterprise:{applicant}", D)
    deployment.act(network, "city_recommend", "city_bureau:340100", D)
    deployment.act(network, "record_review", "provincial_bureau", D, files=("sha256:x",), documents=[
        {"has_upgraded_enterprise_network": True, "is_selected_by_provincial_review": True}])
    with pytest.raises(WorkflowError, match="one project, one special fund"):
        deployment.act(network, "province_approve", "provincial_bureau", D)


def test_the_budget_cannot_be_overdrawn(deployment, uscc):
    deployment.fund("equipment_upgrade", 2022, 1_000_000)
    a, b = uscc(7), uscc(8)
    one = deployment.apply("equipment_upgrade", a, EQUIPMENT, D, project="P-A")
    two = deployment.apply("equipment_upgrade", b, EQUIPMENT, D, project="P-B")
    assert approve(deployment, one, a) == "approved"
    with pytest.raises(LedgerError):
        approve(deployment, two, b)
    assert deployment.state(two) == "under_review"


def test_revoke_releases_the_reservation(deployment, uscc):
    budget = deployment.fund("equipment_upgrade", 2022, 10_000_000)
    applicant = uscc(9)
    app_id = deployment.apply("equipment_upgrade", applicant, EQUIPMENT, D, project="P-R")
    approve(deployment, app_id, applicant)
    assert deployment.act(app_id, "revoke", "provincial_bureau", D, note="audit finding before payment") == "revoked"
    with transaction(deployment.engine, read_only=True) as session:
        assert find_account(session, budget).debits_pending == 0
        assert check(session) == []
    again = deployment.apply("equipment_upgrade", applicant, EQUIPMENT, D, project="P-R")
    assert approve(deployment, again, applicant) == "approved"  # the one-off unit was released too


def test_cost_items_are_counted_once(deployment, uscc):
    applicant = uscc(10)
    one = deployment.apply("equipment_upgrade", applicant, EQUIPMENT, D, project="P-C1", cost_items=["INV-1"])
    two = deployment.apply("equipment_upgrade", applicant, EQUIPMENT, D, project="P-C2", cost_items=["INV-1"])
    deployment.act(one, "submit", f"enterprise:{applicant}", D)
    with pytest.raises(WorkflowError, match="INV-1 is already counted"):
        deployment.act(two, "submit", f"enterprise:{applicant}", D)
    deployment.act(one, "withdraw", f"enterprise:{applicant}", D)
    assert deployment.act(two, "submit", f"enterprise:{applicant}", D) == "submitted"


def test_an_ic_enterprise_cap_counts_earlier_awards_of_the_year(deployment, uscc):
    deployment.fund("ic_first_tapeout", 2023, 20_000_000)
    applicant = uscc(11)
    on = dt.date(2023, 7, 1)
    facts = {"region_code": "340100", "is_ic_design_enterprise": True, "is_first_engineering_tapeout": True,
             "tapeout_contract_amount": "8000000.00"}
    first = deployment.apply("ic_first_tapeout", applicant, facts, on, project="CHIP-1")
    for action, actor in (("submit", f"enterprise:{applicant}"), ("city_recommend", "city_bureau:340100"),
                          ("province_approve", "provincial_bureau")):
        deployment.act(first, action, actor, on)
    second = deployment.apply("ic_first_tapeout", applicant, facts, on, project="CHIP-2")
    for action, actor in (("submit", f"enterprise:{applicant}"), ("city_recommend", "city_bureau:340100"),
                          ("province_approve", "provincial_bureau")):
        deployment.act(second, action, actor, on)
    from huiqi.workflow.models import Application

    with transaction(deployment.engine, read_only=True) as session:
        awards = [session.get(Application, i).award_fen for i in (first, second)]
    assert awards == [2_400_000_00, 600_000_00]  # 30 % of 8,000,000 = 2.4m, then 0.6m left under 3m


def test_a_returned_application_lapses_exactly_once_when_a_deadline_is_set(deployment, uscc, monkeypatch):
    applicant = uscc(12)
    app_id = deployment.apply("equipment_upgrade", applicant, EQUIPMENT, D, project="P-L")
    deployment.act(app_id, "submit", f"enterprise:{applicant}", D)
    deployment.act(app_id, "return", "city_bureau:340100", D, note="invoice missing")
    assert deployment.tick(dt.date(2023, 1, 1)) == []  # default: no resubmission deadline (document silent)
    document = deployment.app.registry.document("anhui_iiot_grants")
    params = dict(document.parameters.at(D))
    params["return_resubmit_working_days"] = 5
    monkeypatch.setattr(type(document.parameters), "at", lambda self, day: params)
    outcomes = deployment.tick(dt.date(2022, 6, 1))
    assert [(o.application_id, o.to_state) for o in outcomes] == [(app_id, "lapsed")]
    assert deployment.tick(dt.date(2022, 6, 2)) == []
