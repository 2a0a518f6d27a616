"""Enterprise and supplier registration (§6.1, §6.2): the city's 5-working-day review, flagged when
late; the provincial expert review; out-of-province suppliers straight to the province."""

from __future__ import annotations

from ._world import P1


def test_an_in_province_supplier_goes_city_then_experts_then_province(world):
    w = world
    supplier = w.entity(1, "supplier", "440305")
    reg = w.apply("supplier_registration", supplier, {}, "2018-09-25")
    assert "--file" in w.refuse_act(reg, "supplier_register", f"supplier:{supplier}", "2018-09-25")
    assert w.act(reg, "supplier_register", f"supplier:{supplier}", "2018-09-25",
                 files=[w.file("materials")]) == "awaiting_city_review"
    assert "only city:440300 can" in w.refuse_act(reg, "city_pass_first_review", "city:440100", "2018-09-26")
    assert "wrong state" in w.refuse_act(reg, "province_register", "province", "2018-09-26")
    assert [line.split("\t")[1] for line in w.tick("2018-10-11")] == ["review_overdue"]  # 5 working days after 9-25
    w.act(reg, "city_pass_first_review", "city:440300", "2018-10-12")
    assert "late" in w.show(reg)["history"][-1]["warnings"][0]
    refusal = w.refuse_act(reg, "province_register", "province", "2018-10-15")
    assert "no expert opinion is recorded" in refusal
    assert "not assigned" in w.refuse_act(reg, "expert_record_opinion", "expert:E09", "2018-10-15", note="ok",
                                          opinion="pass")
    w.act(reg, "province_assign_expert", "province", "2018-10-15", expert="E09")
    w.act(reg, "expert_record_opinion", "expert:E09", "2018-10-16", note="可以提供应用服务", opinion="pass")
    assert w.act(reg, "province_register", "province", "2018-10-17") == "registered"


def test_an_out_of_province_supplier_goes_straight_to_the_province(world):
    w = world
    supplier = w.entity(2, "supplier", "110108")
    reg = w.apply("supplier_registration", supplier, {}, "2018-09-25")
    assert w.act(reg, "supplier_register", f"supplier:{supplier}", "2018-09-25",
                 files=[w.file("materials")]) == "awaiting_province_basic_review"
    assert "wrong role" in w.refuse_act(reg, "province_pass_basic_review", "city:110100", "2018-09-26")
    w.act(reg, "province_return_registration", "province", "2018-09-26", note="add the capability references")
    assert w.act(reg, "supplier_resubmit_registration", f"supplier:{supplier}", "2018-09-27") == \
        "awaiting_province_basic_review"
    assert "already returned" in w.refuse_act(reg, "province_return_registration", "province", "2018-09-28",
                                              note="again")
    assert w.act(reg, "province_pass_basic_review", "province", "2018-09-28") == "awaiting_expert_review"


def test_enterprise_registration_and_what_the_voucher_needs_of_it(world):
    w = world
    w.announce(P1)
    w.allocate("2018-1", "440100", "1000000.00")
    supplier = w.supplier(3)
    province_level = w.entity(4, "enterprise", "440000")
    reg = w.apply("enterprise_registration", province_level, {}, "2018-09-25")
    assert "a city- or county-level code" in w.refuse_act(reg, "enterprise_register", f"enterprise:{province_level}",
                                                          "2018-09-25")
    enterprise = w.entity(5, "enterprise", "440113")
    early = w.voucher(enterprise, supplier, "E1", "50000.00", "2018-10-08", submit=False)
    assert "not registered on the platform" in w.refuse_act(early, "enterprise_submit", f"enterprise:{enterprise}",
                                                            "2018-10-08", files=[w.file("contract E1")])
    reg = w.apply("enterprise_registration", enterprise, {}, "2018-10-08")
    w.act(reg, "enterprise_register", f"enterprise:{enterprise}", "2018-10-08")
    # 五（三）7: it may apply while the registration awaits review, but it cannot be issued before (I-26)
    assert w.act(early, "enterprise_submit", f"enterprise:{enterprise}", "2018-10-08",
                 files=[w.file("contract E1")]) == "awaiting_supplier"
    w.act(early, "supplier_confirm", f"supplier:{supplier}", "2018-10-09")
    refusal = w.refuse_act(early, "city_approve", "city:440100", "2018-10-09", declared_fee_matches_contract="true")
    assert "registration is registration_submitted" in refusal
    w.act(reg, "city_approve_registration", "city:440100", "2018-10-09")
    assert w.act(early, "city_approve", "city:440100", "2018-10-09", declared_fee_matches_contract="true") == "issued"
    # the province suspends the enterprise's rights (八（四）): new applications are not eligible
    w.act(reg, "province_suspend_enterprise_rights", "province", "2018-10-10", note="poor implementation results")
    later = w.voucher(enterprise, supplier, "E2", "50000.00", "2018-10-11", submit=False)
    assert "rights_not_suspended" in w.refuse_act(later, "enterprise_submit", f"enterprise:{enterprise}", "2018-10-11",
                                                  files=[w.file("contract E2")])


def test_a_disqualified_supplier_confirms_nothing_new_and_the_pilot_mark_needs_a_pilot_unit(world):
    w = world
    w.announce(P1)
    w.allocate("2018-1", "440100", "1000000.00")
    supplier, enterprise = w.supplier(6), w.enterprise(7)
    app = w.voucher(enterprise, supplier, "D1", "50000.00", "2018-10-08")
    assert "not a pilot unit in period 2018-1" in w.refuse_act(app, "supplier_confirm", f"supplier:{supplier}",
                                                               "2018-10-09", pilot="true")
    reg = 1  # the supplier's registration: the first application of this world
    w.act(reg, "province_disqualify_supplier", "province", "2018-10-09", note="undisclosed related party (五（六）23)")
    assert "disqualified" in w.refuse_act(app, "supplier_confirm", f"supplier:{supplier}", "2018-10-09")
    other = w.voucher(enterprise, supplier, "D2", "50000.00", "2018-10-10", submit=False)
    assert "supplier_not_disqualified" in w.refuse_act(other, "enterprise_submit", f"enterprise:{enterprise}",
                                                       "2018-10-10", files=[w.file("contract D2")])
