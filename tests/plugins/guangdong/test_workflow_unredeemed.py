"""Expiry and lapse at the settlement deadline, then suspension for the next batch after two
unredeemed vouchers and revocation after three (五（六）18–19, §6.6)."""

from __future__ import annotations

import json

from ._world import P1, P2, P3


def test_lapses_lead_to_suspension_for_the_next_batch_and_a_third_to_revocation(world):
    w = world
    for p in (P1, P2, P3):
        w.announce(p)
    w.allocate("2018-1", "440100", "2000000.00", funds="100000.00")
    w.allocate("2019-1", "440100", "2000000.00", on="2019-06-03")
    supplier = w.supplier(1)
    x, y = w.enterprise(2), w.enterprise(3)
    lapsing = []
    for enterprise, contracts in ((x, ("X1", "X2")), (y, ("Y1", "Y2"))):
        for contract in contracts:
            app = w.voucher(enterprise, supplier, contract, "50000.00", "2018-10-08")
            w.issue(app, enterprise, supplier, "2018-10-09")
            lapsing.append(app)
    pending = w.voucher(x, supplier, "X3", "40000.00", "2018-12-28")  # never issued
    w.act(pending, "supplier_confirm", f"supplier:{supplier}", "2018-12-28")
    assert [line.split("\t")[1] for line in w.tick("2019-06-30")] == ["review_overdue"]  # the city never reviewed
    assert w.tick("2019-06-30") == []  # the deadline day itself still counts; the flag fires once
    fired = {line.split("\t")[0]: line.split("\t")[2] for line in w.tick("2019-07-01")}
    assert fired[str(pending)] == "awaiting_city → expired"
    assert all(fired[str(app)] == "issued → void" for app in lapsing)
    assert w.tick("2019-07-01") == []  # exactly once
    budget = w.budget("2018-1", "440100")
    assert budget["issued"] == "200000.00" and budget["reserved"] == "0.00"  # lapses keep their issuance (§7)

    # the second lapse ended at 24:00 of 2019-06-30: 下一批 is 2019年第一批, opening 2019-07-01
    suspended = w.voucher(y, supplier, "Y3", "30000.00", "2019-07-02", submit=False)
    warned = w.run("apply", "guangdong_vouchers.voucher_award", "--applicant", y, "--on", "2019-07-02", "--facts",
                   w.file({"unredeemed_voucher_count": 0, "supplier_uscc": supplier}))
    assert "warning: unredeemed_voucher_count is derived from the ledger" in warned.stderr and warned.code == 0
    shown = w.show(suspended)
    assert shown["eligible"] is False  # the calculator agrees at apply: derived count 2, the batch after the second
    failed = next(r for r in shown["reasons"] if r["rule"].endswith("not_suspended_after_unredeemed"))
    assert failed["passed"] is False
    refusal = w.refuse_act(suspended, "enterprise_submit", f"enterprise:{y}", "2019-07-02",
                           files=[w.file("contract Y3")])
    assert "suspended for batch 2019年第一批 after 2 unredeemed vouchers" in refusal

    # the batch after that one is open to them again (suspension_batches = 1)
    w.allocate("2020-1", "440100", "2000000.00", on="2020-06-02")
    again = w.voucher(x, supplier, "X4", "30000.00", "2020-07-06")
    assert w.state(again) == "awaiting_supplier"
    w.issue(again, x, supplier, "2020-07-07")
    assert w.act(again, "enterprise_surrender", f"enterprise:{x}", "2020-08-03") == "surrendered"
    assert w.budget("2020-1", "440100")["issued"] == "0.00"  # a surrender gives its issuance back

    revoked = w.voucher(x, supplier, "X5", "30000.00", "2020-08-05", submit=False)
    refusal = w.refuse_act(revoked, "enterprise_submit", f"enterprise:{x}", "2020-08-05",
                           files=[w.file("contract X5")])
    assert "voucher qualification is cancelled: 3 unredeemed vouchers" in refusal and "五（六）19" in refusal
    still = w.voucher(y, supplier, "Y4", "30000.00", "2020-08-05")  # two only: not revoked
    assert w.state(still) == "awaiting_supplier"
    events = json.loads(w.huiqi("show", lapsing[0], "--format", "json"))["history"]
    assert [e["action"] for e in events][-1] == "lapse"
    w.check()


def test_a_returned_settlement_lapses_after_its_resubmission_window(world):
    w = world
    w.announce(P1)
    w.allocate("2018-1", "440100", "1000000.00", funds="100000.00")
    supplier, enterprise = w.supplier(4), w.enterprise(5)
    app = w.voucher(enterprise, supplier, "R1", "50000.00", "2018-10-08")
    w.issue(app, enterprise, supplier, "2018-10-09")
    settlement = {"invoices_issued_by_selected_supplier": True, "payments_received_by_selected_supplier": True,
                  "invoice_total_amount": "50000.00", "payment_total_amount": "50000.00",
                  "has_passed_integration_management_assessment": False}
    w.act(app, "settlement_submit", f"enterprise:{enterprise}", "2019-06-27", files=[w.file(settlement)])
    w.act(app, "supplier_confirm_settlement", f"supplier:{supplier}", "2019-06-27")
    w.act(app, "province_record_cloud_use", "province", "2019-06-28", verified="false")
    assert "has not marked cloud use" in w.refuse_act(app, "city_approve_settlement", "city:440100", "2019-06-28")
    w.act(app, "city_return_settlement", "city:440100", "2019-06-28", note="no connection records found")
    assert w.tick("2019-07-01") == []  # the later of the deadline and 5 working days after the return (I-30)
    assert [line.split("\t")[2] for line in w.tick("2019-07-06")] == ["settlement_returned → void"]
