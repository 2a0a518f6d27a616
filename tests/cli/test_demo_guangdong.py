"""`huiqi demo`'s Guangdong voucher programme, small: every path taken, checks clean, reports written."""

from __future__ import annotations

from sqlalchemy import select

from huiqi.cli.context import AppContext
from huiqi.config import Config
from huiqi.demo_guangdong import DB_FILE, run_guangdong
from huiqi.ledger import check, verify_events
from huiqi.ledger.db import make_engine, transaction
from huiqi.workflow.history import application_view
from huiqi.workflow.models import Application


def _app(config, monkeypatch, disabled=()) -> AppContext:
    Config(config, enabled=None, disabled=list(disabled)).save()
    monkeypatch.setenv("HUIQI_CONFIG", str(config))
    return AppContext()


def test_the_guangdong_programme_takes_every_voucher_path(tmp_path, config, monkeypatch, capsys):
    out = tmp_path / "demo"
    outcome = run_guangdong(_app(config, monkeypatch), out, enterprises=30, vouchers=20)
    printed = capsys.readouterr().out
    assert "ledger check clean; audit chain intact" in printed and str(out / DB_FILE) in printed
    engine = make_engine(f"sqlite:///{out / DB_FILE}")
    with transaction(engine, read_only=True) as session:
        assert check(session) == [] and verify_events(session) == []
        vouchers = {a.id: a for a in session.execute(select(Application).where(
            Application.policy == "guangdong_vouchers.voucher_award")).scalars()}
        states = {a.state for a in vouchers.values()}
        assert {"paid", "rejected", "void", "expired", "draft"} <= states
        histories = {i: [e["action"] for e in application_view(session, i)["history"]] for i in vouchers}
        assert outcome.carried_over and all(vouchers[i].data["carried_over"] for i in outcome.carried_over)
        assert all(vouchers[i].state == "paid" for i in outcome.carried_over)  # paid first in 2019年第一批
    (returned,) = outcome.paths["returned_and_resubmitted"][:1]
    assert "city_return" in histories[returned] and "enterprise_resubmit" in histories[returned]
    (held,) = outcome.paths["objection"]
    assert "raise_objection" in histories[held] and vouchers[held].state == "paid"
    assert outcome.refused and all("already funded by application" in why for _, why in outcome.refused)
    assert all(vouchers[i].state == "draft" for i, _ in outcome.refused)
    reports = out / "reports" / "guangdong"
    assert (reports / "applications_by_state.xlsx").exists() and (reports / "payouts.html").exists()


def test_the_guangdong_programme_is_skipped_when_its_plugin_is_disabled(tmp_path, config, monkeypatch, capsys):
    assert run_guangdong(_app(config, monkeypatch, ["guangdong_vouchers"]), tmp_path / "demo") is None
    assert "skipped" in capsys.readouterr().out and not (tmp_path / "demo" / DB_FILE).exists()
