"""Batch payouts: one transaction of Core executemany, events chained, limits judged, retries replayed."""

from __future__ import annotations

import pytest

from huiqi import ledger as L
from huiqi.errors import LedgerError
from huiqi.ledger.batch import PayoutRow, post_payouts_batch

PLUGIN = "guangdong_vouchers"
PAYABLE, PAID, SOURCE = "gd/city_fund/440100", "gd/paid_out", "gd/province"


def _funded(engine, amount_fen):
    with L.transaction(engine) as s:
        L.open_account(s, code=SOURCE, kind="source", plugin=PLUGIN)
        L.open_account(s, code=PAYABLE, kind="budget", plugin=PLUGIN, floor_fen=0)
        L.open_account(s, code=PAID, kind="paid_out", plugin=PLUGIN)
        L.fund(s, source=SOURCE, account=PAYABLE, amount_fen=amount_fen, idempotency_key="fund", plugin=PLUGIN)
    return engine


def _rows(n, amount=100):
    return [PayoutRow(PAYABLE, PAID, amount, f"V{i}:voucher", PLUGIN, application_id=f"V{i}",
                      memo="服务券兑付" if i % 2 else None) for i in range(n)]


def test_batch_writes_transfers_and_a_valid_chain(ledger_engine):
    engine = _funded(ledger_engine, 10_000)
    result = post_payouts_batch(engine, _rows(100))
    assert (result.transfers_written, result.replayed) == (100, False)
    with L.transaction(engine, read_only=True) as s:
        assert L.get_account(s, PAYABLE).balance == 0
        assert L.get_account(s, PAID).balance == 10_000
        assert L.check(s) == []
        assert L.verify_events(s) == []


def test_batch_is_all_or_nothing_and_idempotent(ledger_engine):
    engine = _funded(ledger_engine, 5_000)
    with pytest.raises(LedgerError, match=r"0\.00 yuan available, 1\.00 yuan requested"):
        post_payouts_batch(engine, _rows(51))
    with L.transaction(engine, read_only=True) as s:
        assert L.get_account(s, PAID).balance == 0
    first = post_payouts_batch(engine, _rows(50))
    again = post_payouts_batch(engine, _rows(50))
    assert again.replayed and (again.first_seq, again.last_seq) == (first.first_seq, first.last_seq)
    with pytest.raises(LedgerError, match="amount_fen"):
        post_payouts_batch(engine, _rows(50, amount=99))
    with L.transaction(engine, read_only=True) as s:
        assert L.check(s) == [] and L.verify_events(s) == []
