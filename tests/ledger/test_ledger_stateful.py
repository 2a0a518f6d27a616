"""Hypothesis stateful test: random reserve, release, post, void, payout, expire and retries keep every invariant."""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from huiqi import ledger as L
from huiqi.errors import LedgerError
from huiqi.ledger.testing_fixtures import postgres_schema, postgres_test_url, sqlite_engine_at

PLUGIN = "guangdong_vouchers"
BUDGET, PAYABLE, PAID = "gd/city_fund/440100", "gd/payable/440100", "gd/paid_out/440100"
CAP, CAP_SOURCE, SOURCE = "gd/enterprise_period_cap/E1/2024-1", "gd/cap_source", "gd/province"
BUDGET_FEN, CAP_FEN = 50_000, 30_000
T0 = datetime(2024, 5, 6, 9, tzinfo=timezone.utc)
amounts = st.integers(min_value=1, max_value=20_000)


class LedgerMachine(RuleBasedStateMachine):
    """The model: what each reservation holds; the ledger must agree after every step."""

    backend = "sqlite"

    def __init__(self):
        super().__init__()
        self.stack = ExitStack()
        if self.backend == "sqlite":
            directory = Path(self.stack.enter_context(tempfile.TemporaryDirectory()))
            self.engine = sqlite_engine_at(directory)
            self.stack.callback(self.engine.dispose)
        else:
            self.engine = self.stack.enter_context(postgres_schema(postgres_test_url()))[0]
        self.counter = 0
        self.open: dict[str, tuple[int, bool]] = {}  # key -> (amount, with cap leg)
        self.spent_from_budget = 0  # posted out of the budget
        self.capped = 0  # open + posted on the cap
        self.payable = 0  # posted, not yet paid out
        self.made: list[tuple[str, int, int]] = []  # (key, amount, id) of direct transfers for retries
        self.key_of: dict[int, str] = {}  # reservation id -> its key
        with L.transaction(self.engine) as s:
            for code, kind, floor, ceiling in ((SOURCE, "source", None, None), (CAP_SOURCE, "source", None, None),
                                               (BUDGET, "budget", 0, None), (PAYABLE, "payable", 0, None),
                                               (PAID, "paid_out", None, None), (CAP, "quota", None, CAP_FEN)):
                L.open_account(s, code=code, kind=kind, plugin=PLUGIN, floor_fen=floor, ceiling_fen=ceiling)
            L.fund(s, source=SOURCE, account=BUDGET, amount_fen=BUDGET_FEN, idempotency_key="fund", plugin=PLUGIN)

    def teardown(self):
        self.stack.close()

    def _key(self, kind):
        self.counter += 1
        return f"{kind}-{self.counter}"

    def _held(self):
        return sum(amount for amount, _ in self.open.values())

    @rule(amount=amounts, with_cap=st.booleans(), expiring=st.booleans())
    def reserve(self, amount, with_cap, expiring):
        key = self._key("r")
        legs = [L.Leg(BUDGET, PAYABLE, amount, key, PLUGIN, pending=True,
                      expires_at=T0 if expiring else None)]
        if with_cap:
            legs.append(L.Leg(CAP_SOURCE, CAP, amount, f"{key}:cap", PLUGIN, pending=True))
        fits = amount <= BUDGET_FEN - self.spent_from_budget - self._held() and \
            (not with_cap or self.capped + amount <= CAP_FEN)
        try:
            with L.transaction(self.engine) as s:
                if with_cap:
                    made = L.apply_legs(s, legs)[0]
                else:  # the single-leg path (PostgreSQL's one-statement hot path)
                    made = L.reserve(s, debit=BUDGET, credit=PAYABLE, amount_fen=amount, idempotency_key=key,
                                     plugin=PLUGIN, expires_at=legs[0].expires_at)
        except LedgerError:
            assert not fits, "a reservation within the limits was refused"
            return
        assert fits, "a reservation beyond a limit was accepted"
        self.open[key] = (amount, with_cap)
        self.key_of[made.id] = key
        self.capped += amount if with_cap else 0

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    def post(self, data):
        key = data.draw(st.sampled_from(sorted(self.open)))
        amount, with_cap = self.open.pop(key)
        part = data.draw(st.integers(min_value=1, max_value=amount))
        steps = [L.Post(key, f"{key}:post", part)]
        if with_cap:  # the cap keeps what was paid, releases the rest
            steps.append(L.Post(f"{key}:cap", f"{key}:cap:post", part))
        with L.transaction(self.engine) as s:
            L.apply_legs(s, steps)
        self.spent_from_budget += part
        self.payable += part
        self.capped -= (amount - part) if with_cap else 0

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    def release(self, data):
        key = data.draw(st.sampled_from(sorted(self.open)))
        amount, with_cap = self.open.pop(key)
        with L.transaction(self.engine) as s:
            if with_cap:
                L.apply_legs(s, [L.Void(key, f"{key}:void"), L.Void(f"{key}:cap", f"{key}:cap:void")])
            else:
                L.void(s, key, idempotency_key=f"{key}:void")
        self.capped -= amount if with_cap else 0

    @rule()
    def expire(self):
        with L.transaction(self.engine) as s:
            expired = L.expire_pending(s, T0 + timedelta(seconds=1))
        for transfer in expired:
            amount, _with_cap = self.open.pop(self.key_of[transfer.pending_id])
            assert amount == transfer.amount_fen

    @rule(amount=amounts)
    def payout(self, amount):
        key = self._key("pay")
        try:
            with L.transaction(self.engine) as s:
                made = L.payout(s, debit=PAYABLE, credit=PAID, amount_fen=amount, idempotency_key=key, plugin=PLUGIN)
        except LedgerError:
            assert amount > self.payable
            return
        assert amount <= self.payable
        self.payable -= amount
        self.made.append((key, amount, made.id))

    @precondition(lambda self: self.made)
    @rule(data=st.data())
    def retry_payout(self, data):
        key, amount, made_id = data.draw(st.sampled_from(self.made))
        with L.transaction(self.engine) as s:
            assert L.payout(s, debit=PAYABLE, credit=PAID, amount_fen=amount, idempotency_key=key,
                            plugin=PLUGIN).id == made_id
            with pytest.raises(LedgerError, match="amount_fen"):
                L.payout(s, debit=PAYABLE, credit=PAID, amount_fen=amount + 1, idempotency_key=key, plugin=PLUGIN)

    @invariant()
    def ledger_agrees_with_the_model(self):
        with L.transaction(self.engine, read_only=True) as s:
            assert L.check(s) == []
            assert L.verify_events(s) == []
            budget, cap, payable = (L.get_account(s, code) for code in (BUDGET, CAP, PAYABLE))
        assert budget.available == BUDGET_FEN - self.spent_from_budget - self._held() >= 0
        assert cap.headroom == CAP_FEN - self.capped >= 0
        assert payable.available == self.payable >= 0


STATEFUL = settings(max_examples=20, stateful_step_count=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

TestLedgerStateMachineSQLite = LedgerMachine.TestCase
TestLedgerStateMachineSQLite.settings = STATEFUL


class PostgresLedgerMachine(LedgerMachine):
    backend = "postgresql"


@pytest.mark.postgres
def test_ledger_state_machine_postgres():
    if postgres_test_url() is None:
        pytest.skip("PostgreSQL tests need HUIQI_TEST_PG_URL; it is unset")
    from hypothesis.stateful import run_state_machine_as_test
    run_state_machine_as_test(PostgresLedgerMachine, settings=settings(STATEFUL, max_examples=6))
