"""Whole voucher lifecycles through the real CLI: a clean redemption with the 两化融合 bonus, a
return and resubmission, a rejection, a second voucher on one contract."""

from __future__ import annotations

from ._world import paid_ids


def test_a_clean_redemption_from_registration_to_payment(programme):
    w = programme
    enterprise = w.enterprise(1)
    supplier = w.supplier(2)
    app = w.voucher(enterprise, supplier, "HT-001", "168000.00", "2018-11-20")
    assert w.state(app) == "awaiting_supplier"
    assert w.issue(app, enterprise, supplier, "2018-11-22") == "issued"
    shown = w.show(app)
    assert shown["award"] == "168000.00" and shown["data"]["period_id"] == "2018-1"
    assert w.budget("2018-1", "440100")["issued"] == "168000.00"
    assert w.settle(app, enterprise, supplier, "2019-03-01", "175000.00",
                    facts={"has_passed_integration_management_assessment": True,
                           "has_received_provincial_integration_award": False}) == "settlement_approved"
    assert w.show(app)["data"]["bonus_fen"] == 200_000_00
    out = w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440100", "--on", "2019-03-04",
                  "--url", "https://example.invalid/list")
    assert "notice to 2019-03-11" in out  # 3-04 + 7 days, a Monday
    assert w.tick("2019-03-11") == []  # the last day itself is still in the notice
    assert [line.split("\t")[1] for line in w.tick("2019-03-12")] == ["notice_close"]
    assert paid_ids(w.payout("440100", "2019-03-15")) == [app]
    assert w.state(app) == "paid"
    budget = w.budget("2018-1", "440100")
    assert budget["paid"] == "368000.00" and budget["fund_balance"] == "132000.00"
    assert w.payout("440100", "2019-03-16")[-1].startswith("0 payout(s)")  # never twice
    w.check()


def test_a_return_with_every_reason_then_resubmission_and_issuance(programme):
    w = programme
    enterprise, supplier = w.enterprise(3), w.supplier(4)
    app = w.voucher(enterprise, supplier, "HT-003", "80000.00", "2018-10-08")
    w.act(app, "supplier_confirm", f"supplier:{supplier}", "2018-10-09")
    assert "--note" in w.refuse_act(app, "city_return", "city:440100", "2018-10-10")
    assert w.act(app, "city_return", "city:440100", "2018-10-10",
                 note="the contract's annex does not state the 上云上平台 fee; upload the signed annex") == "returned"
    assert w.budget("2018-1", "440100")["reserved"] == "80000.00"  # the reservation is kept while returned
    assert w.act(app, "enterprise_resubmit", f"enterprise:{enterprise}", "2018-10-12") == "awaiting_supplier"
    w.act(app, "supplier_confirm", f"supplier:{supplier}", "2018-10-12")
    refusal = w.refuse_act(app, "city_return", "city:440100", "2018-10-15", note="one more thing")
    assert "already returned 1 time(s) at the voucher stage" in refusal and "一次性告知" in refusal
    assert w.act(app, "city_approve", "city:440100", "2018-10-15", declared_fee_matches_contract="true") == "issued"
    history = [step["action"] for step in w.show(app)["history"]]
    assert history == ["apply", "enterprise_submit", "supplier_confirm", "city_return", "enterprise_resubmit",
                       "supplier_confirm", "city_approve"]
    w.check()


def test_a_rejection_needs_a_reason_and_frees_the_reservation_and_the_contract(programme):
    w = programme
    enterprise, supplier = w.enterprise(5), w.supplier(6)
    app = w.voucher(enterprise, supplier, "HT-005", "120000.00", "2018-10-08")
    w.act(app, "supplier_confirm", f"supplier:{supplier}", "2018-10-09")
    assert "--note" in w.refuse_act(app, "city_reject", "city:440100", "2018-10-10")
    assert w.act(app, "city_reject", "city:440100", "2018-10-10",
                 note="the contract covers automation equipment, not 上云上平台 services (三)") == "rejected"
    budget = w.budget("2018-1", "440100")
    assert budget["reserved"] == "0.00" and budget["issued"] == "0.00"
    assert "wrong state" in w.refuse_act(app, "city_approve", "city:440100", "2018-10-11",
                                         declared_fee_matches_contract="true")
    again = w.voucher(enterprise, supplier, "HT-005", "100000.00", "2018-10-20")  # a rejected voucher holds no contract
    assert w.state(again) == "awaiting_supplier"
    w.check()


def test_a_second_voucher_on_the_same_contract_is_refused(programme):
    w = programme
    enterprise, supplier = w.enterprise(7), w.supplier(8)
    first = w.voucher(enterprise, supplier, "HT-007", "50000.00", "2018-10-08")
    second = w.voucher(enterprise, supplier, "HT-007", "50000.00", "2018-10-09", submit=False)
    refusal = w.refuse_act(second, "enterprise_submit", f"enterprise:{enterprise}", "2018-10-09",
                           files=[w.file("contract HT-007 scanned again")])
    assert f"project {supplier}:HT-007 is already funded by application {first}" in refusal
    same_file = w.voucher(enterprise, supplier, "HT-007B", "50000.00", "2018-10-09", submit=False)
    refusal = w.refuse_act(same_file, "enterprise_submit", f"enterprise:{enterprise}", "2018-10-09",
                           files=[w.file("contract HT-007")])  # the very same contract file under another number
    assert f"is already counted by application {first}" in refusal
    assert w.state(second) == "draft" and w.state(same_file) == "draft"


def test_refusals_name_the_role_scope_state_and_deadline(programme):
    w = programme
    enterprise, supplier = w.enterprise(9), w.supplier(10)
    other = w.supplier(11)
    app = w.voucher(enterprise, supplier, "HT-009", "60000.00", "2018-10-08")
    assert "wrong role" in w.refuse_act(app, "supplier_confirm", "city:440100", "2018-10-09")
    assert "not the supplier_uscc" in w.refuse_act(app, "supplier_confirm", f"supplier:{other}", "2018-10-09")
    assert "wrong state" in w.refuse_act(app, "city_approve", "city:440100", "2018-10-09")
    w.act(app, "supplier_confirm", f"supplier:{supplier}", "2018-10-09")
    assert "only city:440100 can" in w.refuse_act(app, "city_approve", "city:440300", "2018-10-09",
                                                    declared_fee_matches_contract="true")
    assert "五（三）10" in w.refuse_act(app, "city_approve", "city:440100", "2018-10-09")
    late = w.refused("vouchers", "announce-period", "2019-2", "--as", "province", "--label", "2019年第二批",
                     "--announced-on", "2019-12-20", "--opens", "2020-01-02", "--application-deadline", "2020-01-10",
                     "--settlement-deadline", "2020-06-30", "--review-deadline", "2020-07-31")
    assert "less than 30 days after the announcement" in late and "五（六）18" in late
    overlap = w.refused("vouchers", "announce-period", "2018-2", "--as", "province", "--label", "x", "--announced-on",
                        "2018-09-20", "--opens", "2018-12-01", "--application-deadline", "2019-01-31",
                        "--settlement-deadline", "2019-06-30", "--review-deadline", "2019-07-31")
    assert "overlaps period 2018-1" in overlap
    outside = w.voucher(enterprise, supplier, "HT-010", "60000.00", "2019-01-15", submit=False)
    assert "no voucher application window is open on 2019-01-15" in w.refuse_act(
        outside, "enterprise_submit", f"enterprise:{enterprise}", "2019-01-15", files=[w.file("contract HT-010")])
    # late city review: allowed but flagged (I-16)
    out = w.huiqi("act", app, "city_approve", "--as", "city:440100", "--on", "2018-11-01",
                  "--set", "declared_fee_matches_contract=true")
    assert "issued" in out
    assert w.show(app)["history"][-1]["warnings"] == ["city_approve is late: due by 2018-10-23"]


def test_the_bonus_is_paid_once_moves_when_its_voucher_is_rejected_and_a_clawback_stays_within_the_payment(programme):
    w = programme
    enterprise, supplier = w.enterprise(12), w.supplier(13)
    certified = {"has_passed_integration_management_assessment": True, "has_received_provincial_integration_award": False}
    first = w.voucher(enterprise, supplier, "B1", "100000.00", "2018-10-08")
    second = w.voucher(enterprise, supplier, "B2", "50000.00", "2018-10-08")
    for app in (first, second):
        w.issue(app, enterprise, supplier, "2018-10-09")
    w.settle(first, enterprise, supplier, "2019-03-01", "100000.00", facts=certified)
    w.settle(second, enterprise, supplier, "2019-03-02", "50000.00", facts=certified)
    assert (w.show(first)["data"]["bonus_fen"], w.show(second)["data"]["bonus_fen"]) == (200_000_00, 0)
    w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440100", "--voucher", first, "--on", "2019-03-04")
    objector = w.enterprise(14)
    w.act(first, "raise_objection", f"enterprise:{objector}", "2019-03-05", note="no service", files=[w.file("x")])
    w.act(first, "city_uphold_objection", "city:440100", "2019-03-06", note="confirmed", outcome="not_settled")
    moved = w.show(second)["data"]
    assert (moved["bonus_fen"], moved["payable_fen"], moved["bonus_moved_from"]) == (200_000_00, 250_000_00, first)
    w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440100", "--on", "2019-03-07")
    w.tick("2019-03-18")
    assert paid_ids(w.payout("440100", "2019-03-19")) == [second]
    assert w.budget("2018-1", "440100")["paid"] == "250000.00"
    refusal = w.refuse_act(second, "record_clawback", "auditor", "2019-05-01", note="price above market",
                           files=[w.file("audit")], amount="50000.01")
    assert "exceeds the voucher part paid" in refusal
    assert w.act(second, "record_clawback", "auditor", "2019-05-01", note="price 20% above market (五（六）23)",
                 files=[w.file("audit")], amount="10000.00") == "paid"
    receivable = w.balance("guangdong_vouchers/clawback_receivable")
    assert [r["balance"] for r in receivable.values()] == [10_000_00]
    w.check()


def test_a_returned_application_may_be_resubmitted_only_in_its_window_and_a_withdrawal_frees_the_cap(programme):
    w = programme
    enterprise, supplier = w.enterprise(15), w.supplier(16)
    late = w.voucher(enterprise, supplier, "W1", "200000.00", "2018-12-20")
    w.act(late, "supplier_confirm", f"supplier:{supplier}", "2018-12-20")
    w.act(late, "city_return", "city:440100", "2018-12-21", note="the fee in the contract is 180,000.00")
    kept = w.voucher(enterprise, supplier, "W2", "200000.00", "2018-12-21")
    third = w.voucher(enterprise, supplier, "W3", "200000.00", "2018-12-21")
    assert w.show(third)["award"] == "100000.00"  # 500,000 − 200,000 (returned, still live) − 200,000
    assert w.act(third, "enterprise_withdraw", f"enterprise:{enterprise}", "2018-12-27") == "withdrawn"
    fourth = w.voucher(enterprise, supplier, "W4", "150000.00", "2018-12-28")
    assert w.show(fourth)["award"] == "100000.00"  # the withdrawn one's room serves later applications (I-10)
    # I-30: the later of the application deadline (2018-12-31) and 5 working days after the return (2018-12-28)
    refusal = w.refuse_act(late, "enterprise_resubmit", f"enterprise:{enterprise}", "2019-01-02")
    assert "the time to resubmit ended on 2018-12-31" in refusal
    assert w.state(kept) == "awaiting_supplier"
    w.check()
