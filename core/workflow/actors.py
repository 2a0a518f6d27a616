"""Actors (``ROLE[:SCOPE]``) and whether one may act on an application."""

from __future__ import annotations

import re

import attrs

from huiqi.errors import InputError
from huiqi.workflow.spec import Role

_ACTOR = re.compile(r"(?P<role>[a-z][a-z0-9_]*)(?::(?P<scope>[0-9A-Za-z_\-]+))?")


@attrs.frozen
class Actor:
    """Who takes a step: a role and, for scoped roles, whose (``city_bureau:340100``)."""

    role: str
    scope: str | None = None

    def __str__(self) -> str:
        return self.role if self.scope is None else f"{self.role}:{self.scope}"


def parse_actor(text: str, field: str = "--as") -> Actor:
    match = _ACTOR.fullmatch(text or "")
    if match is None:
        raise InputError(field, text, "ROLE or ROLE:SCOPE, e.g. provincial_bureau, city_bureau:340100, "
                                      "enterprise:91340100MA2N0AB1CJ")
    return Actor(match["role"], match["scope"])


def check_actor(actor: Actor, roles: tuple[Role, ...], application) -> str | None:
    """None when the actor may take the step, else why not (wrong role, wrong scope)."""
    same_role = [r for r in roles if r.name == actor.role]
    if not same_role:
        allowed = ", ".join(str(r) for r in roles)
        return f"wrong role — {actor.role} may not take this step; allowed: {allowed}"
    reasons = [_scope_problem(actor, role, application) for role in same_role]
    if any(reason is None for reason in reasons):
        return None
    return reasons[0]


def _scope_problem(actor: Actor, role: Role, application) -> str | None:
    scope = role.scope
    if scope is None:
        return None
    if actor.scope is None:
        return f"wrong scope — {actor.role} needs a scope here ({role})"
    if scope == "any":
        return None
    if scope == "applicant":
        wanted = application.applicant_uscc
        return None if actor.scope == wanted else f"wrong scope — {actor} is not the applicant of application {application.id}"
    if scope == "applicant_city":
        wanted = application.region_code[:4] + "00"
        if actor.scope == wanted:
            return None
        return (f"wrong scope — {actor} cannot act on an application of city {wanted}; "
                f"only {actor.role}:{wanted} can")
    if scope.startswith("data:"):
        wanted = (application.data or {}).get(scope[5:])
        return None if actor.scope == wanted else f"wrong scope — {actor} is not the {scope[5:]} of this application"
    if scope == "assigned":
        assigned = (application.data or {}).get("assigned", [])
        return None if actor.scope in assigned else f"wrong scope — {actor} is not assigned to application {application.id}"
    raise ValueError(f"unknown scope rule {scope!r}")
