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
    # Work done in a transaction of its own just before the step (``prepare_step``), whatever the
    # step's outcome: opening the ledger accounts the step will use. Opening an account appends an
    # event (the chain head lock), so doing it inside the step would break the step's lock order
    # accounts-then-chain-head on PostgreSQL. Must be idempotent (``open_account`` is).
    prepare: tuple[Effect, ...] = ()
    citation: str = ""
    description: str = ""


@attrs.frozen
class Timer:
    """A time-driven step ``huiqi tick`` takes exactly once when its deadline has passed.

    A timer with ``target`` None and a ``flag`` changes no state: it records the flag (e.g.
    ``review_overdue``) in the application's ``data["flags"]`` with an event of the timer's name,
    once per stay in ``state`` (entering the state again, e.g. after a resubmission, re-arms it).
    """

    name: str
    state: str
    target: str | None
    deadline: Deadline | None = None
    due: Callable[["StepContext"], "dt.date | None"] | None = None  # a computed last day, when not a Deadline
    effects: tuple[Effect, ...] = ()
    flag: str | None = None
    citation: str = ""
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if (self.target is None) == (self.flag is None):
            raise ValueError(f"timer {self.name}: give either a target state or a flag, not both or neither")


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
    # Policy ids whose applications open without a calculator measure: registrations of an
    # enterprise or a supplier, records of a programme. They are never evaluated (eligible None,
    # award 0); their actions check role, scope, state, deadline and guards as any other.
    registrations: tuple[str, ...] = ()
    applicant_role: str = "enterprise"  # the role of whoever opens an application (`huiqi apply`)
    applicant_kind: str | None = None  # the entity kind the applicant must be on record as, if any
    # Who may run this workflow's payouts; empty = anyone who may run `huiqi payout run`. With
    # roles, a run pays only the applications the actor's scope covers (city:440100 → its city).
    payout_roles: tuple[Role, ...] = ()
    # Applications paid from different funds (one per city…) are ordered, and stopped by a
    # shortfall, group by group; None = one group.
    payout_group: Callable[[object], str] | None = None
    # With "stop": also mark carried over every application of the group the stopped run did not reach.
    carry_over_unreached: bool = False
    carry_over_effects: tuple[Effect, ...] = ()  # ledger work when a payout is carried over (own step)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        known = set(self.states)
        for action in self.actions:
            target = {action.target} if isinstance(action.target, str) else set()
            unknown = (set(action.sources) | target) - known
            if unknown:
                raise ValueError(f"workflow {self.name}: action {action.name} names unknown states {sorted(unknown)}")
        for timer in self.timers:
            if {timer.state, timer.target or timer.state} - known:
                raise ValueError(f"workflow {self.name}: timer {timer.name} names unknown states")
        if self.initial not in known or set(self.final) - known:
            raise ValueError(f"workflow {self.name}: initial or final states unknown")

    def opens(self, policy: str) -> bool:
        return policy in self.policies or policy in self.registrations

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    def actions_from(self, state: str) -> Sequence[Action]:
        return [a for a in self.actions if state in a.sources]
