"""Who sees what: city viewers see their city, applicants their own rows, experts their assignments,
the public masked USCCs; a role a report does not allow is refused naming the role."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from huiqi.errors import InputError
from huiqi.reports import Column, collect_reports, Report, ReportContext, ReportData, check_viewer, mask_uscc, run_report
from huiqi.workflow.actors import parse_actor
from huiqi.workflow.models import Application

from . import sample
from .conftest import TODAY


def cities(run, name, viewer, **options):
    return sorted({row["city"] for row in run(name, viewer, **options).data.rows})


def test_a_city_bureau_sees_only_its_city(run):
    assert cities(run, "award_schedule", "admin") == ["合肥市", "芜湖市"]
    assert cities(run, "award_schedule", "city_bureau:340100") == ["合肥市"]
    assert cities(run, "award_schedule", "city_bureau:340200") == ["芜湖市"]
    assert cities(run, "applications_by_state", "city_bureau:341100") == ["滁州市"]


def test_region_filter_narrows_the_province_view(run):
    assert cities(run, "applications_by_state", "provincial_bureau", region="340200") == ["芜湖市"]
    rows = run("payouts", "provincial_finance", region="340100").data.rows
    assert {r["uscc"] for r in rows} == {sample.HEFEI_A, sample.HEFEI_C}


def test_an_applicant_sees_its_own_payouts_only(run):
    rows = run("payouts", f"enterprise:{sample.HEFEI_A}").data.rows
    assert [r["uscc"] for r in rows] == [sample.HEFEI_A]


def test_an_expert_sees_the_applications_assigned_to_it(run, ids):
    assert [r["application"] for r in run("review_sheet", "expert:E01").data.rows] == [ids["pool"]]
    assert run("review_sheet", "expert:E02").data.rows == ()


def test_a_role_the_report_does_not_allow_is_refused_by_name(run, ids):
    with pytest.raises(InputError, match="role public may not view report payouts"):
        run("payouts", "public")
    with pytest.raises(InputError, match="role enterprise may not view report award_schedule"):
        run("award_schedule", f"enterprise:{sample.HEFEI_A}")
    with pytest.raises(InputError, match="may not see application"):
        run("audit_log", "city_bureau:340200", application=ids["paid"])


def test_scoped_roles_need_their_scope_and_stay_inside_it():
    with pytest.raises(InputError, match="city_bureau:SCOPE"):
        check_viewer(parse_actor("city_bureau"), None)
    with pytest.raises(InputError, match="cannot see region 340200"):
        check_viewer(parse_actor("city_bureau:340100"), "340200")
    check_viewer(parse_actor("city_bureau:340100"), "340104")  # a district of its own city


def test_the_public_sees_masked_usccs(sample_deployment):
    d, _ = sample_deployment

    def build(ctx):
        return ReportData((Column("uscc", "统一社会信用代码"),), ({"uscc": ctx.show_uscc(sample.HEFEI_A)},))

    probe = Report("probe", "测试", build, viewers=("public", "auditor"))
    with Session(d.engine) as session:
        for viewer, shown in (("public", mask_uscc(sample.HEFEI_A)), ("auditor", sample.HEFEI_A)):
            ctx = ReportContext(session, d.app.registry, parse_actor(viewer), TODAY)
            assert run_report(probe, ctx).data.rows[0]["uscc"] == shown
    assert mask_uscc("91340100MA2N0AB1CJ") == "91340********AB1CJ"


def test_the_public_notice_list_masks_every_uscc(sample_deployment, ids):
    d, _ = sample_deployment
    reports = collect_reports(d.app.manager, d.app.registry)
    with Session(d.engine) as session:  # put one award into its notice period, never committed
        session.execute(update(Application).where(Application.id == ids["capped"]).values(state="in_public_notice"))
        for viewer in ("public", "provincial_bureau"):
            ctx = ReportContext(session, d.app.registry, parse_actor(viewer), TODAY)
            rows = run_report(reports["public_notice_list"], ctx).data.rows
            assert [r["uscc"] for r in rows] == [mask_uscc(sample.WUHU_B)]
            assert rows[0]["applicant"] == sample.NAMES[sample.WUHU_B] and rows[0]["award"] == 5_000_000_00
        session.rollback()
