"""What ``huiqi show`` prints: an application, its decision and every step of its history."""

from __future__ import annotations

from sqlalchemy import select

from huiqi.errors import InputError
from huiqi.ledger.models import events
from huiqi.money import yuan
from huiqi.workflow.models import Application


def application_view(session, app_id: int) -> dict:
    app = session.get(Application, app_id)
    if app is None:
        raise InputError("APP_ID", app_id, "the id of an application on record", reason=f"no application {app_id}")
    rows = session.execute(select(events).where(events.c.subject_kind == "application",
                                                events.c.subject_id == str(app_id)).order_by(events.c.seq)).all()
    history = [{"seq": r.seq, "at": r.at.isoformat(), "on": (r.payload or {}).get("on"), "action": r.action, "actor": r.actor, "role": r.role,
                "from": r.from_state, "to": r.to_state, "note": r.note, "files": list(r.file_digests or []),
                "warnings": (r.payload or {}).get("warnings", [])} for r in rows]
    return {
        "id": app.id, "policy": app.policy, "applicant": app.applicant_uscc, "region": app.region_code,
        "state": app.state, "since": app.entered_state_on.isoformat(), "as_of": app.as_of.isoformat(),
        "round": app.round_key, "project": app.project_code, "eligible": app.eligible,
        "award": yuan(app.award_fen), "submitted_seq": app.submitted_seq,
        "reasons": app.result.get("reasons", []), "missing_facts": app.result.get("missing_facts", []),
        "data": app.data, "history": history,
    }


def render_text(view: dict) -> str:
    lines = [
        f"application {view['id']}  {view['policy']}  applicant {view['applicant']} ({view['region']})",
        f"state {view['state']} since {view['since']}   eligible {view['eligible']}   award {view['award']}"
        + (f"   project {view['project']}" if view["project"] else ""),
        "reasons:",
    ]
    for reason in view["reasons"]:
        mark = {True: "✓", False: "✗", None: "?"}[reason["passed"]]
        lines.append(f"  {mark} {reason['rule']}: {reason['detail']}  [{reason['citation']}]")
    if view["missing_facts"]:
        lines.append("missing facts: " + ", ".join(view["missing_facts"]))
    lines.append("history:")
    for step in view["history"]:
        move = f"{step['from'] or '—'} → {step['to']}" if step["from"] != step["to"] else f"({step['to']})"
        day = f"{step['on']} " if step.get("on") else ""
        lines.append(f"  #{step['seq']} {day}(recorded {step['at'][:19]})  {step['action']} by {step['actor']}  {move}"
                     + (f"  note: {step['note']}" if step["note"] else "")
                     + (f"  files: {', '.join(step['files'])}" if step["files"] else ""))
        for warning in step["warnings"]:
            lines.append(f"      warning: {warning}")
    return "\n".join(lines)
