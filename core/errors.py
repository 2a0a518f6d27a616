"""The one family of errors huiqi raises for problems a user can fix."""

from __future__ import annotations


class HuiqiError(Exception):
    """A problem the user can act on: the CLI prints one line and exits with status 2.

    A bug is never a HuiqiError; it keeps its traceback.
    """

    exit_code = 2


class ConfigError(HuiqiError):
    """A deployment or plugin file is wrong (huiqi.toml, parameters.yaml, a catalogue)."""


class PolicyError(HuiqiError):
    """A policy or measure is unknown, disabled or asked for outside its dates."""


class LedgerError(HuiqiError):
    """The ledger refuses an operation (overdraft, cap, idempotency conflict, wrong state)."""


class WorkflowError(HuiqiError):
    """A workflow action is refused: wrong role, wrong scope, wrong state or deadline passed."""


class InputError(HuiqiError):
    """A value supplied by the user is malformed: names the field, the value and what was expected."""

    def __init__(self, field: str, value: object, expected: str, *, reason: str | None = None):
        self.field = field
        self.value = value
        self.expected = expected
        self.reason = reason
        super().__init__(self._message())

    def _message(self) -> str:
        shown = show_value(self.value)
        if self.reason:
            # A reason that already starts with the field reads as a sentence of its own.
            lead = "" if self.reason.startswith(self.field) else f"{self.field}: "
            return f"{lead}{self.reason} (expected {self.expected})"
        return f"{self.field}: {shown} is not valid (expected {self.expected})"


def show_value(value: object) -> str:
    """A short, unambiguous rendering of a bad value for an error line (JSON where possible)."""
    import json

    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
