"""A workflow as a Mermaid ``stateDiagram-v2``, and the rows of its table of steps."""

from __future__ import annotations

import inspect
import re
from typing import Any, Callable, Mapping

from huiqi.workflow.spec import Action, Deadline, Timer, Workflow


def possible_targets(target: Callable, states: tuple[str, ...]) -> tuple[str, ...]:
    """The states a target function may return: the state names its source mentions as strings.

    A plugin's target functions are small (``"submitted" if … else "under_review"``), so the
    quoted state names in their source are the candidates; () when the source is unavailable.
    """
    try:
        source = inspect.getsource(target)
    except (OSError, TypeError):
        return ()
    quoted = set(re.findall(r"""["']([a-z_][a-z0-9_]*)["']""", source))
    return tuple(state for state in states if state in quoted)


def mermaid(workflow: Workflow) -> str:
    """The state diagram: every state-changing action and timer as a labelled transition;
    final states drawn bold (an arrow from each to one end point would cross the whole diagram).

    Actions that record without changing the state are left to the table (drawn, they would be
    a loop on every state they apply to).
    """
    lines = ["stateDiagram-v2", f"    [*] --> {workflow.initial}"]
    for action in workflow.actions:
        lines += _action_lines(action, workflow.states)
    for timer in workflow.timers:
        if timer.target is not None:  # a flag timer (review_overdue) changes no state: the table lists it
            lines.append(f"    {timer.state} --> {timer.target} : timer {timer.name}")
    if workflow.payable and workflow.paid:
        lines.append(f"    {workflow.payable} --> {workflow.paid} : payout run")
    lines.append("    classDef final font-weight:bold,stroke-width:3px")
    lines.append(f"    class {','.join(workflow.final)} final")
    return "\n".join(lines)


def _action_lines(action: Action, states: tuple[str, ...]) -> list[str]:
    if action.target is None:
        return []
    if isinstance(action.target, str):
        return [f"    {source} --> {action.target} : {action.name}" for source in action.sources]
    choice = f"{action.name}_decides"
    lines = [f"    state {choice} <<choice>>"]
    lines += [f"    {source} --> {choice} : {action.name}" for source in action.sources]
    targets = possible_targets(action.target, states)
    lines += [f"    {choice} --> {target}" for target in targets]
    return lines


def target_words(action: Action, states: tuple[str, ...]) -> str:
    if action.target is None:
        return "(unchanged)"
    if isinstance(action.target, str):
        return action.target
    targets = possible_targets(action.target, states)
    words = " or ".join(targets) if targets else "decided at run time"
    return f"{words} (decided by {action.target.__name__}{_doc_suffix(action.target)})"


def deadline_words(deadline: Deadline | None, params: Mapping[str, Any]) -> str:
    if deadline is None:
        return "—"
    kind = "working days" if deadline.working else "calendar days"
    late = "refused after it" if deadline.on_late == "refuse" else "allowed after it, flagged late"
    if isinstance(deadline.days, str):
        value = params.get(deadline.days)
        shown = "no deadline in force" if value is None else f"now {value} {kind}"
        return f"parameter {deadline.days} ({shown}); {late}"
    return f"{deadline.days} {kind} after entering the state; {late}"


def function_words(functions) -> str:
    """Guards and effects by name, each with the first line of its docstring when it has one."""
    return "; ".join(f"{f.__name__}{_doc_suffix(f)}" for f in functions) or "—"


def _doc_suffix(function: Callable) -> str:
    doc = inspect.getdoc(function)
    return f": {doc.splitlines()[0].rstrip('.')}" if doc else ""


def timer_due_words(timer: Timer, params: Mapping[str, Any]) -> str:
    if timer.deadline is not None:
        return deadline_words(timer.deadline, params).split(";")[0]
    if timer.due is not None:
        return f"computed by {timer.due.__name__}{_doc_suffix(timer.due)}"
    return "—"
