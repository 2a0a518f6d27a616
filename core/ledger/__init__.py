"""The double-entry ledger: accounts with limits, transfers, the hash-chained audit log, migrations."""

from huiqi.ledger.chain import record_event, verify_events
from huiqi.ledger.chart import (AccountView, describe, find_account, get_account, list_accounts,
                                open_account, set_limits)
from huiqi.ledger.checks import check
from huiqi.ledger.db import make_engine, session_scope, transaction
from huiqi.ledger.ledger import (apply_legs, expire_pending, fund, payout, post, reserve,
                                 transfer, void)
from huiqi.ledger.legs import Leg, Post, TransferRecord, Void
from huiqi.ledger.migrate import current_revision, upgrade_to_head

__all__ = [
    "AccountView", "Leg", "Post", "TransferRecord", "Void", "apply_legs", "check",
    "current_revision", "describe", "expire_pending", "find_account", "fund", "get_account",
    "list_accounts", "make_engine", "open_account", "payout", "post", "record_event", "reserve",
    "session_scope", "set_limits", "transaction", "transfer", "upgrade_to_head", "verify_events", "void",
]
