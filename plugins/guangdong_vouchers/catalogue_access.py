"""The catalogue version in force on a day, as the workflow needs it: its number and period cap.

The catalogue itself (shape, validation, versions) is ``catalogue.py``'s; this reads whatever
form the document's parameters give it (a list of versions, or the version in force).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from huiqi.errors import ConfigError
from huiqi_plugins.guangdong_vouchers.common import money_fen


def _field(entry: Any, name: str) -> Any:
    return entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)


def catalogue_on(document, day: dt.date) -> dict:
    params = document.parameters.at(day)
    try:
        raw = params["catalogue"]
    except (KeyError, TypeError):
        raw = None
    entry = raw
    if isinstance(raw, (list, tuple)):
        candidates = [v for v in raw if _as_date(_field(v, "effective_from")) <= day]
        entry = max(candidates, key=lambda v: _as_date(_field(v, "effective_from"))) if candidates else None
    elif raw is not None and hasattr(raw, "version_on"):
        entry = raw.version_on(day)
    if entry is None:
        raise ConfigError(f"guangdong_vouchers: no catalogue version is in force on {day}")
    cap = _field(entry, "period_cap_amount")
    if cap is None:
        cap = _field(entry, "period_cap_fen")
    return {"version": _field(entry, "version"), "label": _field(entry, "label"), "period_cap_fen": money_fen(cap)}


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
