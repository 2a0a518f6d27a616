"""Ledger benchmark: 1M batch payouts on SQLite vs raw sqlite3, and a 16-worker reservation race on
PostgreSQL vs a raw single-statement conditional update. Writes bench/results/ledger.{json,md}.

Run: .venv/bin/python bench/ledger.py [--payouts N] [--reservations N] [--pg URL]
(PostgreSQL from --pg or HUIQI_TEST_PG_URL; skipped, and said so, when neither is given.)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text

from huiqi import ledger as L
from huiqi.errors import LedgerError
from huiqi.ledger.batch import EVENT_COLUMNS, TRANSFER_COLUMNS, PayoutRow, _RowBuilder, post_payouts_batch
from huiqi.ledger.chain import canonical_time, lock_head
from huiqi.ledger.limits import lock_accounts
from huiqi.ledger.models import PENDING, transfers
from huiqi.ledger.testing_fixtures import postgres_schema

RESULTS = Path(__file__).parent / "results"
PLUGIN = "bench"
WORKERS = 16
STEP_FEN = 100


# ---- (a) SQLite: one batch of payouts with their events, next to raw sqlite3 executemany ----

def _payout_ledger(directory: Path, payouts: int):
    engine = L.make_engine(f"sqlite:///{directory / f'{uuid.uuid4().hex[:6]}.db'}")
    L.upgrade_to_head(engine)
    with L.transaction(engine) as s:
        L.open_account(s, code="province", kind="source", plugin=PLUGIN)
        L.open_account(s, code="payable", kind="payable", plugin=PLUGIN, floor_fen=0)
        L.open_account(s, code="paid_out", kind="paid_out", plugin=PLUGIN)
        L.fund(s, source="province", account="payable", amount_fen=payouts * STEP_FEN,
               idempotency_key="fund", plugin=PLUGIN)
    return engine


def _payout_rows(payouts: int) -> list[PayoutRow]:
    return [PayoutRow("payable", "paid_out", STEP_FEN, f"payout:{i}", PLUGIN, application_id=f"app-{i}")
            for i in range(payouts)]


def _raw_rows(engine, rows: list[PayoutRow]):
    """The very transfer and event tuples the batch path writes, built ahead (not timed)."""
    with L.transaction(engine, read_only=True) as s:
        states = lock_accounts(s, {"payable", "paid_out"})
        seq, prev_hash = lock_head(s)
        connection = s.connection()
        from huiqi.ledger.batch import _bound_time
        from huiqi.ledger.base import utc_now
        now = utc_now()
        builder = _RowBuilder(states, actor="system", role="system", step="payout",
                              created_at=_bound_time(connection, now), at_text=canonical_time(now))
        transfer_rows, event_rows, _seq, _hash = builder.build(rows, seq, prev_hash)
    return transfer_rows, event_rows


def bench_sqlite(payouts: int) -> dict:
    directory = Path(tempfile.mkdtemp(prefix="huiqi-bench-"))
    rows = _payout_rows(payouts)

    raw_engine = _payout_ledger(directory, payouts)
    transfer_rows, event_rows = _raw_rows(raw_engine, rows)
    raw_path = raw_engine.url.database
    raw_engine.dispose()
    connection = sqlite3.connect(raw_path, isolation_level=None)
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(_qmark_insert("ledger_events", EVENT_COLUMNS), event_rows)
    connection.executemany(_qmark_insert("ledger_transfers", TRANSFER_COLUMNS), transfer_rows)
    connection.execute("COMMIT")
    raw_seconds = time.perf_counter() - started
    connection.close()
    del transfer_rows, event_rows

    engine = _payout_ledger(directory, payouts)
    started = time.perf_counter()
    result = post_payouts_batch(engine, rows)
    huiqi_seconds = time.perf_counter() - started
    assert result.transfers_written == payouts
    started = time.perf_counter()
    with L.transaction(engine, read_only=True) as s:
        problems = L.check(s) + L.verify_events(s)
    check_seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "payouts": payouts, "raw_sqlite3_executemany_s": round(raw_seconds, 3),
        "huiqi_post_payouts_batch_s": round(huiqi_seconds, 3),
        "ratio": round(huiqi_seconds / raw_seconds, 2), "target_ratio": 3.0,
        "check_and_verify_s": round(check_seconds, 3), "invariant_problems": problems[:5],
    }


def _qmark_insert(table: str, columns) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


# ---- (b) PostgreSQL: 16 workers reserve from one budget until it is exhausted ----

RAW_SETUP = """
CREATE TABLE raw_accounts (id bigint PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
CREATE TABLE raw_transfers (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES raw_accounts(id),
                            amount bigint NOT NULL, idempotency_key text NOT NULL UNIQUE,
                            created_at timestamptz NOT NULL DEFAULT now());
"""
RAW_RESERVE = """
WITH taken AS (UPDATE raw_accounts SET balance = balance - %(amount)s
               WHERE id = 1 AND balance >= %(amount)s RETURNING id)
INSERT INTO raw_transfers (account_id, amount, idempotency_key)
SELECT id, %(amount)s, %(key)s FROM taken RETURNING id
"""


# The same conditional update on huiqi's own tables: the transfer row as huiqi stores it,
# without the credit side, the audit event or the hash chain (what huiqi adds on top).
RAW_SAME_TABLES = """
WITH taken AS (UPDATE ledger_accounts SET debits_pending = debits_pending + %(amount)s
               WHERE code = 'budget' AND credits_posted - debits_posted - debits_pending >= %(amount)s
               RETURNING id, credits_posted - debits_posted AS posted, credits_pending - debits_pending AS pending)
INSERT INTO ledger_transfers (seq, debit_account_id, credit_account_id, amount_fen, state, idempotency_key,
    plugin, created_at, debit_posted_before, debit_posted_after, debit_pending_before, debit_pending_after,
    credit_posted_before, credit_posted_after, credit_pending_before, credit_pending_after)
SELECT nextval('raw_seq'), taken.id, 3, %(amount)s, 'pending', %(key)s, 'bench', now(),
       posted, posted, pending + %(amount)s, pending, 0, 0, 0, 0 FROM taken RETURNING id
"""


def _raw_worker(args) -> int:
    dsn, schema, worker, statement = args
    made = 0
    with psycopg.connect(dsn, autocommit=True, options=f"-csearch_path={schema}") as connection:
        while connection.execute(statement, {"amount": STEP_FEN, "key": f"{worker}-{made}"}).fetchone():
            made += 1
    return made


def _huiqi_worker(args) -> int:
    url, schema, worker = args
    engine = L.make_engine(url, pg_schema=schema, pool_size=1)
    made = 0
    try:
        while True:
            try:  # on an engine: its own transaction, one autocommitted statement
                L.reserve(engine, debit="budget", credit="payable", amount_fen=STEP_FEN,
                          idempotency_key=f"{worker}-{made}", plugin=PLUGIN)
            except LedgerError:
                return made
            made += 1
    finally:
        engine.dispose()


def _race(worker, args) -> tuple[int, float]:
    context = multiprocessing.get_context("fork")
    with context.Pool(WORKERS) as pool:
        pool.map(_warm, range(WORKERS))  # start the processes before the clock
        started = time.perf_counter()
        made = sum(pool.map(worker, args))
        return made, time.perf_counter() - started


def _warm(_index: int) -> None:
    return None


def _open_budget(engine, budget_fen: int) -> None:
    with L.transaction(engine) as s:
        L.open_account(s, code="province", kind="source", plugin=PLUGIN)
        L.open_account(s, code="budget", kind="budget", plugin=PLUGIN, floor_fen=0)
        L.open_account(s, code="payable", kind="payable", plugin=PLUGIN)
        L.fund(s, source="province", account="budget", amount_fen=budget_fen, idempotency_key="fund", plugin=PLUGIN)


def _raw_rate(url: str, budget_fen: int, same_tables: bool) -> float:
    with postgres_schema(url, migrate=same_tables) as (raw_engine, raw_schema):
        with raw_engine.begin() as connection:
            if same_tables:
                connection.exec_driver_sql("CREATE SEQUENCE raw_seq START 1000")
            else:
                connection.exec_driver_sql(RAW_SETUP)
                connection.execute(text("INSERT INTO raw_accounts VALUES (1, :b)"), {"b": budget_fen})
        if same_tables:
            _open_budget(raw_engine, budget_fen)
        raw_engine.dispose()
        dsn = raw_engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        statement = RAW_SAME_TABLES if same_tables else RAW_RESERVE
        made, seconds = _race(_raw_worker, [(dsn, raw_schema, w, statement) for w in range(WORKERS)])
    assert made == budget_fen // STEP_FEN, made
    return made / seconds


def _huiqi_rate(url: str, budget_fen: int) -> tuple[float, list[str]]:
    with postgres_schema(url) as (engine, schema):
        _open_budget(engine, budget_fen)
        engine.dispose()
        made, seconds = _race(_huiqi_worker, [(url, schema, w) for w in range(WORKERS)])
        with L.transaction(engine, read_only=True) as s:
            problems = L.check(s) + L.verify_events(s)
            budget = L.get_account(s, "budget")
            held = s.execute(select(func.sum(transfers.c.amount_fen))
                             .where(transfers.c.state == PENDING)).scalar_one()
            if budget.available + held != budget_fen or made != budget_fen // STEP_FEN:
                problems.append(f"budget {budget_fen}: {held} reserved, {budget.available} left, {made} successes")
    return made / seconds, problems


def bench_postgres(url: str, reservations: int, rounds: int) -> dict:
    """Rounds interleave the three runs, so that load from elsewhere falls on all of them alike."""
    budget_fen = reservations * STEP_FEN
    raw, raw_same, huiqi, problems = [], [], [], []
    for _round in range(rounds):
        raw.append(_raw_rate(url, budget_fen, same_tables=False))
        rate, found = _huiqi_rate(url, budget_fen)
        huiqi.append(rate)
        problems += found
        raw_same.append(_raw_rate(url, budget_fen, same_tables=True))
    med = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
    return {
        "workers": WORKERS, "reservations": reservations, "rounds": rounds,
        "raw_single_statement_per_s": round(med(raw)), "raw_same_tables_per_s": round(med(raw_same)),
        "huiqi_reserve_per_s": round(med(huiqi)),
        "raw_over_huiqi": round(med(raw) / med(huiqi), 2),
        "raw_same_tables_over_huiqi": round(med(raw_same) / med(huiqi), 2), "target_ratio": 1.5,
        "every_round": {"raw": [round(r) for r in raw], "raw_same_tables": [round(r) for r in raw_same],
                        "huiqi": [round(r) for r in huiqi]},
        "invariant_problems": problems[:5],
    }


def write_results(results: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ledger.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    lines = ["# Ledger benchmark", "", f"Machine: {results['machine']}", "",
             "| measurement | raw | huiqi | ratio (target) | invariants |", "|---|---|---|---|---|"]
    if "sqlite" in results:
        a = results["sqlite"]
        lines.append(f"| SQLite: {a['payouts']:,} payouts + events, one batch | {a['raw_sqlite3_executemany_s']} s "
                     f"| {a['huiqi_post_payouts_batch_s']} s | {a['ratio']}× (≤ {a['target_ratio']}×) "
                     f"| {'clean' if not a['invariant_problems'] else a['invariant_problems']} |")
    if "postgres" in results:
        b = results["postgres"]
        state = 'clean' if not b['invariant_problems'] else b['invariant_problems']
        title = f"PostgreSQL: {b['workers']} workers reserve until {b['reservations']:,} exhaust one budget (median of {b['rounds']})"
        lines.append(f"| {title} | {b['raw_single_statement_per_s']:,}/s | {b['huiqi_reserve_per_s']:,}/s "
                     f"| {b['raw_over_huiqi']}× (≤ {b['target_ratio']}×) | {state} |")
        lines.append(f"| same, raw statement on huiqi's own tables (no credit side, event, chain) "
                     f"| {b['raw_same_tables_per_s']:,}/s | {b['huiqi_reserve_per_s']:,}/s "
                     f"| {b['raw_same_tables_over_huiqi']}× | |")
    else:
        lines.append("| PostgreSQL | skipped: no --pg and no HUIQI_TEST_PG_URL | | | |")
    (RESULTS / "ledger.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payouts", type=int, default=1_000_000)
    parser.add_argument("--reservations", type=int, default=6_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("HUIQI_TEST_PG_URL"))
    options = parser.parse_args(argv)
    results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                                f"SQLite {sqlite3.sqlite_version}"}
    results["sqlite"] = bench_sqlite(options.payouts)
    print(json.dumps(results["sqlite"]), flush=True)
    if options.pg:
        results["postgres"] = bench_postgres(L.db.resolve_url(options.pg), options.reservations, options.rounds)
        print(json.dumps(results["postgres"]), flush=True)
    else:
        print("PostgreSQL part skipped: give --pg URL or set HUIQI_TEST_PG_URL", file=sys.stderr)
    write_results(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
