"""Settlement lists, objections and the first-come-first-served payout under the city fund."""

from __future__ import annotations

from ._world import P1, P2, World, paid_ids


def _approved_settlements(w: World, specs, period_on="2018-10-08", settle_on="2019-03-01", supplier=None):
    """Vouchers issued in period 2018-1 and through the redemption review, in the order given."""
    supplier = supplier or w.supplier(90)
    ids = []
    for n, (fee, pilot) in enumerate(specs):
        enterprise = w.enterprise(100 + n + len(w.dir.name) % 7 * 0)
        app = w.voucher(enterprise, supplier, f"HT-P{n}", fee, period_on)
        w.issue(app, enterprise, supplier, period_on, **({"pilot": "true"} if pilot else {}))
        w.settle(app, enterprise, supplier, settle_on, fee)
        ids.append(app)
    return ids


def test_an_objection_holds_one_voucher_back_while_the_others_are_paid(programme):
    w = programme
    a, b, c = _approved_settlements(w, [("50000.00", False), ("60000.00", False), ("70000.00", False)])
    w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440100", "--on", "2019-03-04")
    objector = w.enterprise(150)
    assert "--file" in w.refuse_act(b, "raise_objection", f"enterprise:{objector}", "2019-03-05", note="x")
    assert w.act(b, "raise_objection", f"enterprise:{objector}", "2019-03-05",
                 note="the supplier never installed the platform", files=[w.file("photos")]) == "under_objection"
    late = w.refuse_act(c, "raise_objection", f"enterprise:{objector}", "2019-03-12", note="late",
                        files=[w.file("x")])
    assert "the public notice ended on 2019-03-11" in late
    assert sorted(line.split("\t")[0] for line in w.tick("2019-03-12")) == [str(a), str(c)]
    assert paid_ids(w.payout("440100", "2019-03-13")) == [a, c]  # b is under objection: not paid
    assert w.state(b) == "under_objection"
    w.act(b, "city_escalate_objection", "city:440100", "2019-03-14", note="needs an on-site check")
    w.act(b, "province_assign_expert", "province", "2019-03-14", expert="E07")
    w.act(b, "expert_record_site_check", "expert:E07", "2019-03-20", note="platform running; logs attached",
          files=[w.file("site report")])
    assert w.act(b, "province_dismiss_objection", "province", "2019-03-21", note="objection unfounded") == "payable"
    assert paid_ids(w.payout("440100", "2019-03-22")) == [b]  # 推迟结算: paid in a later run
    objection = w.show(b)["data"]["objections"][0]
    assert objection["open"] is False and objection["outcome"] == "dismissed"
    w.check()


def test_an_upheld_objection_means_no_settlement_and_counts_as_unredeemed(programme):
    w = programme
    (a,) = _approved_settlements(w, [("50000.00", False)])
    w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440100", "--on", "2019-03-04")
    objector = w.enterprise(151)
    w.act(a, "raise_objection", f"enterprise:{objector}", "2019-03-05", note="fake invoices", files=[w.file("x")])
    assert "outcome" in w.refuse_act(a, "city_uphold_objection", "city:440100", "2019-03-06", note="upheld")
    assert w.act(a, "city_uphold_objection", "city:440100", "2019-03-06", note="invoices were forged",
                 outcome="not_settled") == "settlement_rejected"
    assert w.budget("2018-1", "440100")["issued"] == "50000.00"  # a settlement rejection does not give issuance back
    w.check()


def test_a_fund_shortfall_stops_the_run_and_the_rest_is_paid_first_next_period(world):
    w = world
    w.announce(P1)
    w.announce(P2)
    w.allocate("2018-1", "440100", "1000000.00", funds="250000.00")
    supplier = w.supplier(91, pilot_period="2019-1")
    a, b, c = _approved_settlements(w, [("100000.00", False), ("200000.00", False), ("50000.00", False)],
                                    supplier=supplier)
    w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440100", "--on", "2019-03-04")
    w.tick("2019-03-12")
    lines = w.payout("440100", "2019-03-13")
    assert paid_ids(lines) == [a]
    assert any(line.startswith(f"not paid {b}:") and "city_fund:440100" in line for line in lines)
    assert w.show(b)["data"]["carried_over"] and w.show(c)["data"]["carried_over"]  # c fits but is not reached (I-20)
    budget = w.budget("2018-1", "440100")
    assert (budget["paid"], budget["fund_balance"], budget["carried_over"]) == ("100000.00", "150000.00", "250000.00")
    # next period: a pilot voucher first, then the carried-over ones, then the period's own
    w.allocate("2019-1", "440100", "1000000.00", funds="400000.00", on="2019-06-05")
    pilot_e, own_e = w.enterprise(160, on="2019-07-02"), w.enterprise(161, on="2019-07-02")
    pilot = w.voucher(pilot_e, supplier, "HT-PILOT", "30000.00", "2019-07-02")
    w.issue(pilot, pilot_e, supplier, "2019-07-02", pilot="true")
    own = w.voucher(own_e, supplier, "HT-OWN", "20000.00", "2019-07-02")
    w.issue(own, own_e, supplier, "2019-07-02")
    w.settle(own, own_e, supplier, "2019-08-01", "20000.00")  # settles before the pilot one
    w.settle(pilot, pilot_e, supplier, "2019-08-02", "30000.00")
    w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440100", "--on", "2019-08-05")
    w.tick("2019-08-13")
    assert paid_ids(w.payout("440100", "2019-08-14")) == [pilot, b, c, own]
    budget = w.budget("2018-1", "440100")
    assert budget["carried_over"] == "0.00" and budget["fund_balance"] == "250000.00"  # 650,000 in, 400,000 out
    w.check()


def test_a_city_pays_only_its_own_vouchers_and_never_beyond_its_fund(programme):
    w = programme
    w.allocate("2018-1", "440300", "100000.00", funds="10000.00")
    supplier = w.supplier(92)
    enterprise = w.enterprise(170, region="440305")
    app = w.voucher(enterprise, supplier, "HT-SZ", "40000.00", "2018-10-08", region="440305")
    w.issue(app, enterprise, supplier, "2018-10-08", city="440300")
    w.settle(app, enterprise, supplier, "2019-03-01", "40000.00", city="440300")
    w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440300", "--on", "2019-03-04")
    w.tick("2019-03-12")
    assert w.payout("440100", "2019-03-13")[-1].startswith("0 payout(s)")
    assert paid_ids(w.payout("440300", "2019-03-13")) == []
    assert w.balance("guangdong_vouchers/city_fund:440300")["guangdong_vouchers/city_fund:440300"]["balance"] == 1_000_000
    w.check()


def test_an_objection_upheld_for_re_review_sends_the_settlement_back_to_the_city(programme):
    w = programme
    supplier, enterprise = w.supplier(93), w.enterprise(180)
    app = w.voucher(enterprise, supplier, "HT-RR", "80000.00", "2018-10-08")
    w.issue(app, enterprise, supplier, "2018-10-09")
    w.settle(app, enterprise, supplier, "2019-03-01", "80000.00",
             facts={"has_passed_integration_management_assessment": True,
                    "has_received_provincial_integration_award": False})
    w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440100", "--on", "2019-03-04")
    w.act(app, "raise_objection", f"enterprise:{w.enterprise(181)}", "2019-03-05", note="the enterprise got the "
          "provincial 贯标 award in 2017", files=[w.file("award notice")])
    assert w.act(app, "city_uphold_objection", "city:440100", "2019-03-06", note="re-review the bonus",
                 outcome="re_review") == "settlement_awaiting_city"
    assert w.balance("guangdong_vouchers/integration_bonus")[
        f"guangdong_vouchers/integration_bonus:{enterprise}"]["pending"] == 0  # the bonus reservation is released
    corrected = w.file({"has_received_provincial_integration_award": True})
    assert w.act(app, "city_approve_settlement", "city:440100", "2019-03-07", files=[corrected]) == "settlement_approved"
    data = w.show(app)["data"]
    assert (data["payable_fen"], data["bonus_fen"], data["reviewed_facts"]) == (80_000_00, 0,
                                                                             ["has_received_provincial_integration_award"])
    w.check()
