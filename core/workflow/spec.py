"""What a plugin declares about a workflow: states, actions, who may take them, deadlines, effects.

A workflow is data plus small functions. The engine (``huiqi.workflow.engine``) does the rest:
role and scope checks, state checks, deadlines, one transaction per step with its audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import attrs

if TYPE_CHECKING:
    from huiqi.workflow.engine import StepContext

# A guard returns None when the step may go ahead, else the reason it may not (one line).
Guard = Callable[["StepContext"], "str | None"]
# An effect does the step's ledger work (reserve, post, void…) inside the step's transaction.
Effect = Callable[["StepContext"], None]


@attrs.frozen
class Role:
    """Who may take an action: a role name and how its scope must match the application.

    ``scope``:
      - ``None``: the role needs no scope (``provincial_bureau``, ``system``).
      - ``"applicant"``: the scope is the applicant's USCC (``enterprise:<uscc>``).
      - ``"applicant_city"``: the scope is the city of the applicant's region (``city:340100``).
      - ``"data:<key>"``: the scope equals the application's data value at key (a supplier's USCC).
      - ``"assigned"``: the scope is listed in the application's ``assigned`` data (experts).
      - ``"any"``: some scope must be given but any value is accepted (a public objector).
    """

    name: str
    scope: str | None = None

    def __str__(self) -> str:
        return self.name if self.scope is None else f"{self.name}:<{self.scope}>"


@attrs.frozen
class Deadline:
    """A number of days after the day the application entered its current state.

    ``days`` is a number or the name of a parameter (None as its value means no deadline);
    ``working`` counts Chinese statutory working days (调休 included), else calendar days.
    ``on_late``: ``refuse`` the action after the deadline, or ``flag`` it (recorded, allowed).
    """

    days: int | str
    working: bool = True
    on_late: str = "refuse"

    def due(self, entered_on: dt.date, params: Mapping) -> dt.date | None:
        from huiqi.workdays import add_calendar_days, add_working_days

        days = params[self.days] if isinstance(self.days, str) else self.days
        if days is None:
            return None
        return add_working_days(entered_on, days) if self.working else add_calendar_days(entered_on, days)


@attrs.frozen
class Action:
    """One step someone takes: from which states, to which state, by whom, under which conditions."""

    name: str
    sources: tuple[str, ...]
    # None: the state does not change (a review recorded); a function: the state depends on
    # parameters or options (e.g. straight to review when no city review is required).
    target: str | Callable[["StepContext"], str] | None
    roles: tuple[Role, ...]
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    note_required: bool = False
    file_required: bool = False
    deadline: Deadline | None = None
    reevaluate: bool = False  # re-run the calculator on the application's facts before the guards
    citation: str = ""
    description: str = ""


@attrs.frozen
class Timer:
    """A time-driven step ``huiqi tick`` takes exactly once when its deadline has passed."""

    name: str
    state: str
    target: str
    deadline: Deadline | None = None
    due: Callable[["StepContext"], "dt.date | None"] | None = None  # a computed last day, when not a Deadline
    effects: tuple[Effect, ...] = ()
    citation: str = ""
    description: str = ""


@attrs.frozen
class Workflow:
    """The states and steps of one kind of application of one plugin."""

    name: str  # e.g. anhui_iiot_grants.application
    policies: tuple[str, ...]  # the policy ids whose applications follow it
    states: tuple[str, ...]
    initial: str
    final: tuple[str, ...]
    actions: tuple[Action, ...]
    timers: tuple[Timer, ...] = ()
    payable: str | None = None  # the state from which `huiqi payout run` pays
    paid: str | None = None
    payout: Callable[["StepContext"], None] | None = None  # the ledger work of one payout
    payout_order: Callable[[object], tuple] | None = None  # sort key of due applications
    open_effects: tuple[Effect, ...] = ()  # work done when `huiqi apply` opens an application
    # Facts the ledger knows better than the applicant (prior awards, counts): recomputed at
    # `huiqi apply` and before every action with ``reevaluate``; they override the facts file.
    derive_facts: Callable[["StepContext"], Mapping[str, object]] | None = None
    on_payout_shortfall: str = "stop"  # stop the run at the first payout the fund cannot cover, or skip it
    description: str = ""

    def __attrs_post_init__(self) -> None:
        known = set(self.states)
        for action in self.actions:
            target = {action.target} if isinstance(action.target, str) else set()
            unknown = (set(action.sources) | target) - known
            if unknown:
                raise ValueError(f"workflow {self.name}: action {action.name} names unknown states {sorted(unknown)}")
        for timer in self.timers:
            if {timer.state, timer.target} - known:
                raise ValueError(f"workflow {self.name}: timer {timer.name} names unknown states")
        if self.initial not in known or set(self.final) - known:
            raise ValueError(f"workflow {self.name}: initial or final states unknown")

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    def actions_from(self, state: str) -> Sequence[Action]:
        return [a for a in self.actions if state in a.sources]
