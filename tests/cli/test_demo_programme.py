"""`huiqi demo`'s sample programme: every step through the real engine, checks clean, files written."""

from __future__ import annotations

import openpyxl
from sqlalchemy import func, select

from huiqi.ledger import check, verify_events
from huiqi.ledger.db import make_engine, transaction
from huiqi.workflow.models import Application

from ._support import run_in_process


def test_the_sample_programme_runs_end_to_end(tmp_path, config):
    out = tmp_path / "demo"
    run = run_in_process(["demo", "--enterprises", "120", "--out", str(out), "--no-docs"], config=config)
    assert run.code == 0, run.stderr
    assert "ledger check clean; audit chain intact" in run.out
    engine = make_engine(f"sqlite:///{out / 'huiqi-demo.db'}")
    with transaction(engine, read_only=True) as session:
        states = dict(session.execute(select(Application.state, func.count()).group_by(Application.state)).all())
        assert check(session) == [] and verify_events(session) == []
    assert states.get("paid", 0) > 0
    assert states.get("rejected", 0) > 0  # the scarce budget ran out: later applications refused
    assert states.get("lapsed", 0) > 0  # returned and never resubmitted: the tick lapsed them
    sheet = openpyxl.load_workbook(out / "reports" / "award_schedule.xlsx").active
    assert sheet.max_row > 3
    html = (out / "reports" / "programme_dashboard.html").read_text(encoding="utf-8")
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org", "")
