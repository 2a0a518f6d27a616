"""Ledger operations on both backends: limits, idempotency, partial post, void, expiry, multi-leg, audit."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from huiqi import ledger as L
from huiqi.errors import InputError, LedgerError

PLUGIN = "anhui_saas"
BUDGET = "anhui_saas/platform_special_account"
PAYABLE = "anhui_saas/supplier_payable/91340100MA2N0XXXXX"
QUOTA = "anhui_saas/enterprise_quota/91340100MA2N0YYYYY"


@pytest.fixture
def engine(ledger_engine):
    """A ledger with a funded budget (1,000.00), a payable, and an enterprise quota capped at 300.00."""
    with L.transaction(ledger_engine) as session:
        L.open_account(session, code="province/appropriation", kind="source", plugin=PLUGIN)
        L.open_account(session, code="anhui_saas/quota_source", kind="source", plugin=PLUGIN)
        L.open_account(session, code=BUDGET, kind="budget", plugin=PLUGIN, floor_fen=0)
        L.open_account(session, code=PAYABLE, kind="payable", plugin=PLUGIN)
        L.open_account(session, code=QUOTA, kind="quota", plugin=PLUGIN, ceiling_fen=30_000)
        L.fund(session, source="province/appropriation", account=BUDGET, amount_fen=100_000,
               idempotency_key="fund-2024", plugin=PLUGIN)
    return ledger_engine


def _reserve(session, key, amount, **extra):
    return L.reserve(session, debit=BUDGET, credit=PAYABLE, amount_fen=amount,
                     idempotency_key=key, plugin=PLUGIN, **extra)


def _clean(engine):
    with L.transaction(engine, read_only=True) as session:
        assert L.check(session) == []
        assert L.verify_events(session) == []


def test_reserve_counts_against_the_floor_and_refuses_with_numbers(engine):
    with L.transaction(engine) as session:
        _reserve(session, "a", 60_000)
        with pytest.raises(LedgerError, match=r"anhui_saas/platform_special_account: 400\.00 yuan available, 500\.00 yuan requested"):
            _reserve(session, "b", 50_000)
        # a refusal writes nothing and leaves the transaction usable
        assert _reserve(session, "c", 40_000).amount_fen == 40_000
        assert L.get_account(session, BUDGET).available == 0
    _clean(engine)


def test_same_key_same_fields_returns_the_transfer_changed_field_is_named(engine):
    with L.transaction(engine) as session:
        first = _reserve(session, "app-1", 10_000, application_id="app-1")
        again = _reserve(session, "app-1", 10_000, application_id="app-1")
        assert again.id == first.id and again.replayed and not first.replayed
        with pytest.raises(LedgerError, match="amount_fen=10000; this request has amount_fen=10001"):
            _reserve(session, "app-1", 10_001, application_id="app-1")
        with pytest.raises(LedgerError, match="application_id"):
            _reserve(session, "app-1", 10_000, application_id="app-2")
        with pytest.raises(LedgerError, match="state='pending'; this request has state='posted'"):
            L.transfer(session, debit=BUDGET, credit=PAYABLE, amount_fen=10_000,
                       idempotency_key="app-1", plugin=PLUGIN, application_id="app-1")
        post = L.post(session, "app-1", idempotency_key="app-1:post", amount_fen=4_000)
        assert L.post(session, first.id, idempotency_key="app-1:post", amount_fen=4_000).id == post.id
        with pytest.raises(LedgerError, match="amount_fen"):
            L.post(session, "app-1", idempotency_key="app-1:post", amount_fen=5_000)
    with L.transaction(engine) as session:  # a retry in a later transaction finds it too
        assert _reserve(session, "app-1", 10_000, application_id="app-1").id == first.id
    _clean(engine)


def test_partial_post_releases_the_rest_and_a_reservation_resolves_once(engine):
    with L.transaction(engine) as session:
        _reserve(session, "r", 70_000)
        posted = L.post(session, "r", idempotency_key="r:post", amount_fen=50_000)
        assert (posted.state, posted.amount_fen, posted.pending_id) == ("posted", 50_000, posted.pending_id)
        assert (posted.debit_posted_before, posted.debit_posted_after) == (100_000, 50_000)
        budget = L.get_account(session, BUDGET)
        assert (budget.balance, budget.pending, budget.available) == (50_000, 0, 50_000)
        assert L.get_account(session, PAYABLE).balance == 50_000
        with pytest.raises(LedgerError, match="already posted"):
            L.void(session, "r", idempotency_key="r:void")
        with pytest.raises(LedgerError, match="cannot post"):
            _reserve(session, "s", 1_000)
            L.post(session, "s", idempotency_key="s:post", amount_fen=1_001)
    _clean(engine)


def test_void_releases_the_whole_reservation(engine):
    with L.transaction(engine) as session:
        reservation = _reserve(session, "v", 100_000)
        assert L.get_account(session, BUDGET).available == 0
        voided = L.void(session, reservation.id, idempotency_key="v:void")
        assert (voided.state, voided.amount_fen) == ("voided", 100_000)
        assert L.get_account(session, BUDGET).available == 100_000
        with pytest.raises(LedgerError, match="already voided"):
            L.post(session, "v", idempotency_key="v:post")
        with pytest.raises(LedgerError, match="not a reservation"):
            L.void(session, "fund-2024", idempotency_key="x")
    _clean(engine)


def test_expire_pending_voids_what_is_due_exactly_once(engine):
    now = datetime(2024, 3, 1, 9, tzinfo=timezone(timedelta(hours=8)))
    with L.transaction(engine) as session:
        _reserve(session, "due", 10_000, expires_at=now)
        _reserve(session, "later", 10_000, expires_at=now + timedelta(days=10))
        _reserve(session, "never", 10_000)
        _reserve(session, "posted", 10_000, expires_at=now - timedelta(days=1))
        L.post(session, "posted", idempotency_key="posted:post")
    with L.transaction(engine) as session:
        expired = L.expire_pending(session, now + timedelta(hours=1))
        assert [(t.state, t.amount_fen) for t in expired] == [("voided", 10_000)]
        assert L.expire_pending(session, now + timedelta(hours=1)) == []
        assert L.get_account(session, BUDGET).available == 100_000 - 30_000
    _clean(engine)


def test_multi_leg_step_succeeds_or_fails_as_a_whole(engine):
    def legs(key, amount):
        return [L.Leg(BUDGET, PAYABLE, amount, f"{key}:budget", PLUGIN, pending=True),
                L.Leg("anhui_saas/quota_source", QUOTA, amount, f"{key}:quota", PLUGIN, pending=True)]

    with L.transaction(engine) as session:
        made = L.apply_legs(session, legs("o1", 20_000))
        assert [t.state for t in made] == ["pending", "pending"]
        assert made[1].seq == made[0].seq + 1
        with pytest.raises(LedgerError, match="enterprise_quota.*100.00 yuan left under its ceiling, 200.00 yuan requested"):
            L.apply_legs(session, legs("o2", 20_000))
        # the budget leg of the refused step was not written
        assert L.get_account(session, BUDGET).available == 80_000
        again = L.apply_legs(session, legs("o1", 20_000))
        assert [t.id for t in again] == [t.id for t in made]
        with pytest.raises(LedgerError, match="whole multi-leg step"):
            L.apply_legs(session, legs("o1", 20_000)[:1] + [L.Leg(BUDGET, PAYABLE, 1, "o3", PLUGIN)])
        L.apply_legs(session, [L.Post("o1:budget", "o1:budget:post", 15_000), L.Void("o1:quota", "o1:quota:void")])
        assert L.get_account(session, QUOTA).headroom == 30_000
    _clean(engine)


def test_bad_input_is_refused_before_anything_is_written(engine):
    with L.transaction(engine) as session:
        for amount in (0, -5, 1.5, True):
            with pytest.raises(InputError, match="amount_fen"):
                _reserve(session, f"bad-{amount}", amount)
        with pytest.raises(InputError, match="must differ"):
            L.transfer(session, debit=BUDGET, credit=BUDGET, amount_fen=1, idempotency_key="k", plugin=PLUGIN)
        with pytest.raises(LedgerError, match="no account 'nowhere'"):
            L.transfer(session, debit=BUDGET, credit="nowhere", amount_fen=1, idempotency_key="k", plugin=PLUGIN)
        with pytest.raises(LedgerError, match="exists with floor_fen=0"):
            L.open_account(session, code=BUDGET, kind="budget", plugin=PLUGIN, floor_fen=None)
    _clean(engine)


def test_set_limits_refuses_a_ceiling_below_what_is_used(engine):
    with L.transaction(engine) as session:
        L.transfer(session, debit="anhui_saas/quota_source", credit=QUOTA, amount_fen=20_000,
                   idempotency_key="q", plugin=PLUGIN)
        with pytest.raises(LedgerError, match="left under its ceiling"):
            L.set_limits(session, QUOTA, floor_fen=None, ceiling_fen=10_000)
        assert L.set_limits(session, QUOTA, floor_fen=None, ceiling_fen=50_000).headroom == 30_000
    _clean(engine)


def test_check_and_verify_find_tampering(engine):
    with L.transaction(engine) as session:
        _reserve(session, "t1", 10_000)
        L.record_event(session, actor="anhui-city-340100", role="city:340100", subject_kind="application",
                       subject_id="app-9", action="city_verify", from_state="settlement_requested",
                       to_state="city_verified", note="核查通过", file_digests=["ab" * 32])
    _clean(engine)
    with L.transaction(engine) as session:
        session.execute(text("UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE code = :c"), {"c": PAYABLE})
        session.execute(text("UPDATE ledger_events SET note = 'edited' WHERE action = 'city_verify'"))
        problems = L.check(session)
        assert any("credits_posted" in p for p in problems)
        assert any("posted debits" in p for p in problems)
        assert any("was edited" in p for p in L.verify_events(session))
        session.rollback()
    with L.transaction(engine) as session:
        session.execute(text("DELETE FROM ledger_events WHERE seq = (SELECT max(seq) FROM ledger_events)"))
        assert any("deleted" in p for p in L.verify_events(session))
        session.rollback()
    with L.transaction(engine) as session:
        session.execute(text("DELETE FROM ledger_events WHERE seq = 2"))
        assert any("event 2: missing" in p for p in L.verify_events(session))
        session.rollback()


def test_on_an_engine_each_operation_is_its_own_transaction(engine):
    first = L.reserve(engine, debit=BUDGET, credit=PAYABLE, amount_fen=90_000, idempotency_key="e1", plugin=PLUGIN)
    again = L.reserve(engine, debit=BUDGET, credit=PAYABLE, amount_fen=90_000, idempotency_key="e1", plugin=PLUGIN)
    assert again.id == first.id and again.replayed
    with pytest.raises(LedgerError, match="amount_fen=90000; this request has amount_fen=1"):
        L.reserve(engine, debit=BUDGET, credit=PAYABLE, amount_fen=1, idempotency_key="e1", plugin=PLUGIN)
    with pytest.raises(LedgerError, match=r"platform_special_account: 100\.00 yuan available, 200\.00 yuan requested"):
        L.reserve(engine, debit=BUDGET, credit=PAYABLE, amount_fen=20_000, idempotency_key="e2", plugin=PLUGIN)
    with pytest.raises(LedgerError, match=r"enterprise_quota.*300\.00 yuan left under its ceiling, 400\.00 yuan requested"):
        L.transfer(engine, debit="anhui_saas/quota_source", credit=QUOTA, amount_fen=40_000,
                   idempotency_key="e3", plugin=PLUGIN)
    with pytest.raises(LedgerError, match="no account 'nowhere'"):
        L.reserve(engine, debit=BUDGET, credit="nowhere", amount_fen=1, idempotency_key="e4", plugin=PLUGIN)
    assert L.post(engine, "e1", idempotency_key="e1:post", amount_fen=30_000).amount_fen == 30_000
    with L.transaction(engine, read_only=True) as session:
        assert L.get_account(session, BUDGET).available == 70_000
    _clean(engine)
