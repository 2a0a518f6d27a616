"""Races: 16 workers reserving from one budget and one enterprise cap never overspend, on both backends.

A lost update (``balance = read - x`` without a lock) hands out several times the budget without
ever driving the balance negative, so the checker compares the budget's remaining room plus the
sum of its transfers with what was funded; it is shown to catch a deliberately unlocked variant.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import count

import pytest
from sqlalchemy import func, select, text

from huiqi import ledger as L
from huiqi.errors import LedgerError
from huiqi.ledger.base import utc_now
from huiqi.ledger.models import PENDING, POSTED, accounts, transfers

WORKERS = 16
PLUGIN = "anhui_saas"
SOURCE, BUDGET, PAYABLE = "province/2024", "anhui_saas/platform_special_account", "anhui_saas/supplier_payable/S1"
CAP_SOURCE, CAP = "anhui_saas/quota_source", "anhui_saas/enterprise_quota/E1"
BUDGET_FEN, CAP_FEN, STEP_FEN = 60_000, 40_000, 1_000


@dataclass
class RaceResult:
    reserved: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def merge(self, other: RaceResult) -> None:
        self.reserved += other.reserved
        self.refusals += other.refusals
        self.errors += other.errors


def open_programme(engine) -> None:
    with L.transaction(engine) as s:
        for code, kind, floor, ceiling in ((SOURCE, "source", None, None), (CAP_SOURCE, "source", None, None),
                                           (BUDGET, "budget", 0, None), (PAYABLE, "payable", None, None),
                                           (CAP, "quota", None, CAP_FEN)):
            L.open_account(s, code=code, kind=kind, plugin=PLUGIN, floor_fen=floor, ceiling_fen=ceiling)
        L.fund(s, source=SOURCE, account=BUDGET, amount_fen=BUDGET_FEN, idempotency_key="fund", plugin=PLUGIN)


def reserve_budget_only(engine, key: str) -> None:
    with L.transaction(engine) as s:
        L.reserve(s, debit=BUDGET, credit=PAYABLE, amount_fen=STEP_FEN, idempotency_key=key, plugin=PLUGIN)


def reserve_own_transaction(engine, key: str) -> None:
    """On an engine: on PostgreSQL one autocommitted statement, the benchmark's hot path."""
    L.reserve(engine, debit=BUDGET, credit=PAYABLE, amount_fen=STEP_FEN, idempotency_key=key, plugin=PLUGIN)


def reserve_budget_and_cap(engine, key: str) -> None:
    with L.transaction(engine) as s:
        L.apply_legs(s, [L.Leg(BUDGET, PAYABLE, STEP_FEN, key, PLUGIN, pending=True),
                         L.Leg(CAP_SOURCE, CAP, STEP_FEN, f"{key}:cap", PLUGIN, pending=True)])


def work_until_refused(engine, reserve, worker: int, start: threading.Barrier | None = None,
                       max_attempts: int = 10_000) -> RaceResult:
    """Reserve again and again until the ledger refuses; anything but a LedgerError is an error."""
    result = RaceResult()
    if start is not None:
        start.wait()
    for attempt in range(max_attempts):
        key = f"w{worker}-{attempt}"
        try:
            reserve(engine, key)
        except LedgerError as refusal:
            result.refusals.append(str(refusal))
            return result
        except Exception as exc:  # noqa: BLE001  (the test reports every other failure)
            result.errors.append(f"{type(exc).__name__}: {exc}")
            return result
        result.reserved.append(key)
    return result


def race_threads(engine, reserve, max_attempts: int = 10_000) -> RaceResult:
    start = threading.Barrier(WORKERS)
    outcomes: list[RaceResult] = [RaceResult() for _ in range(WORKERS)]

    def run(worker: int) -> None:
        outcomes[worker] = work_until_refused(engine, reserve, worker, start, max_attempts)

    threads = [threading.Thread(target=run, args=(worker,)) for worker in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = RaceResult()
    for outcome in outcomes:
        total.merge(outcome)
    return total


def assert_no_overspend(engine, result: RaceResult, *, budget_fen: int, cap_fen: int | None = None) -> None:
    """The checker: nothing handed out beyond the budget or the cap, every success accounted."""
    assert result.errors == [], result.errors[:3]
    assert all("requested" in message for message in result.refusals), result.refusals[:3]
    with L.transaction(engine, read_only=True) as s:
        budget = L.get_account(s, BUDGET)
        held = s.execute(select(func.coalesce(func.sum(transfers.c.amount_fen), 0)).where(
            transfers.c.debit_account_id == budget.id, transfers.c.state.in_([PENDING, POSTED]))).scalar_one()
        keys = set(s.execute(select(transfers.c.idempotency_key).where(
            transfers.c.debit_account_id == budget.id, transfers.c.state == PENDING)).scalars())
        # Room left plus what the transfers hand out must be exactly what was funded.
        assert budget.available + held == budget_fen, (
            f"overspent: {held} handed out of a {budget_fen} budget, {budget.available} still available")
        assert 0 <= held <= budget_fen
        assert keys == set(result.reserved), "a success is missing from the ledger, or the reverse"
        assert held == STEP_FEN * len(result.reserved)
        if cap_fen is not None:
            cap = L.get_account(s, CAP)
            assert cap.headroom + STEP_FEN * len(result.reserved) == cap_fen >= cap.credits_pending
        assert L.check(s) == []
        assert L.verify_events(s) == []


@pytest.mark.postgres
@pytest.mark.parametrize("reserve", [reserve_budget_only, reserve_own_transaction, reserve_budget_and_cap],
                         ids=["budget", "budget-autocommit", "budget+cap"])
def test_postgres_race_never_overspends(pg_ledger, reserve):
    open_programme(pg_ledger)
    result = race_threads(pg_ledger, reserve)
    with_cap = reserve is reserve_budget_and_cap
    assert len(result.reserved) == (CAP_FEN if with_cap else BUDGET_FEN) // STEP_FEN  # used up exactly
    assert len(result.refusals) == WORKERS
    assert_no_overspend(pg_ledger, result, budget_fen=BUDGET_FEN, cap_fen=CAP_FEN if with_cap else None)


_naive_seq = count(10**9)


def naive_reserve(engine, key: str) -> None:
    """Deliberately wrong: read the totals, check, write back read + amount, with no lock."""
    with engine.begin() as connection:
        budget = connection.execute(select(accounts).where(accounts.c.code == BUDGET)).one()
        room = budget.credits_posted - budget.debits_posted - budget.debits_pending
        if room < STEP_FEN:
            raise LedgerError(f"account {BUDGET}: {room} available, {STEP_FEN} requested")
        time.sleep(0.002)  # the time a real handler spends between its read and its write
        connection.execute(text("UPDATE ledger_accounts SET debits_pending = :v WHERE id = :i"),
                           {"v": budget.debits_pending + STEP_FEN, "i": budget.id})
        payable = connection.execute(select(accounts).where(accounts.c.code == PAYABLE)).one()
        connection.execute(text("UPDATE ledger_accounts SET credits_pending = credits_pending + :v WHERE id = :i"),
                           {"v": STEP_FEN, "i": payable.id})
        connection.execute(transfers.insert().values(
            seq=next(_naive_seq), debit_account_id=budget.id, credit_account_id=payable.id,
            amount_fen=STEP_FEN, state=PENDING, idempotency_key=key, plugin=PLUGIN,
            created_at=utc_now(),
            **{f"{side}_{part}_{when}": 0 for side in ("debit", "credit")
               for part in ("posted", "pending") for when in ("before", "after")}))


@pytest.mark.postgres
def test_the_checker_catches_an_unlocked_read_then_write(pg_ledger):
    open_programme(pg_ledger)
    # Each worker alone could take the whole budget; 16 of them stop after 20 attempts each.
    result = race_threads(pg_ledger, naive_reserve, max_attempts=20)
    handed_out = len(result.reserved) * STEP_FEN
    assert handed_out > BUDGET_FEN, f"the unlocked variant did not overspend this time ({handed_out})"
    with pytest.raises(AssertionError, match="overspent"):
        assert_no_overspend(pg_ledger, result, budget_fen=BUDGET_FEN)


def _sqlite_worker(url: str, worker: int, multi_leg: bool) -> RaceResult:
    engine = L.make_engine(url)
    try:
        return work_until_refused(engine, reserve_budget_and_cap if multi_leg else reserve_budget_only, worker)
    finally:
        engine.dispose()


@pytest.mark.parametrize("multi_leg", [False, True], ids=["budget", "budget+cap"])
def test_sqlite_race_across_processes_never_overspends_nor_locks(sqlite_ledger, multi_leg):
    open_programme(sqlite_ledger)
    url = sqlite_ledger.url.render_as_string()
    sqlite_ledger.dispose()  # no pooled connection may cross the fork
    result = RaceResult()
    with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("fork")) as pool:
        for outcome in pool.map(_sqlite_worker, [url] * WORKERS, range(WORKERS), [multi_leg] * WORKERS):
            result.merge(outcome)
    assert not any("locked" in error for error in result.errors), result.errors[:3]
    assert len(result.reserved) == (CAP_FEN if multi_leg else BUDGET_FEN) // STEP_FEN
    assert_no_overspend(sqlite_ledger, result, budget_fen=BUDGET_FEN, cap_fen=CAP_FEN if multi_leg else None)
