"""PostgreSQL: many enterprises of one city applying and being issued at once never over-issue the
city's allocation, and one enterprise's concurrent applications never exceed its period cap."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from huiqi.cli.context import AppContext
from huiqi.errors import WorkflowError
from huiqi.ledger import check, find_account, verify_events
from huiqi.ledger.db import transaction
from huiqi.ledger.testing_fixtures import postgres_schema, require_postgres
from huiqi.testing import fresh_config
from huiqi.workflow.actors import parse_actor
from huiqi.workflow.engine import act, prepare
from huiqi.workflow.models import Application

from ._world import P1, World

pytestmark = pytest.mark.postgres
ON = dt.date(2018, 10, 8)


@pytest.fixture
def pg_world(tmp_path):
    url = require_postgres()
    with postgres_schema(url) as (engine, schema):
        world = World(tmp_path, f"{url}?options=-csearch_path%3D{schema}")
        world.engine = engine
        app = AppContext()
        app.__dict__["config"] = fresh_config(tmp_path)
        app.__dict__["engine"] = engine
        world.app = app
        yield world


def _step(world: World, app_id: int, action: str, actor: str, files=(), **options):
    """What `huiqi act` does, on this thread's own sessions: prepare, then the step."""
    app, who = world.app, parse_actor(actor)
    calculator = app.calculator()
    prepare(world.engine, app_id=app_id, action_name=action, actor=who, workflows=app.workflows.by_name,
            registry=app.registry, calculator=calculator, today=ON, options=options)
    with transaction(world.engine) as session:
        return act(session, app_id=app_id, action_name=action, actor=who, workflows=app.workflows.by_name,
                   registry=app.registry, calculator=calculator, today=ON, files=files, options=options).state


def _all_at_once(jobs):
    """Run the jobs on threads started together; returns (results, refusals)."""
    barrier = threading.Barrier(len(jobs))
    results, refusals, errors = [], [], []

    def run(job):
        barrier.wait()
        try:
            results.append(job())
        except WorkflowError as refusal:
            refusals.append(str(refusal))
        except Exception as error:  # noqa: BLE001 — a deadlock or a bug fails the test below
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results, refusals


def test_concurrent_applications_and_approvals_never_over_issue_the_city_allocation(pg_world):
    w = pg_world
    w.announce(P1)
    w.allocate("2018-1", "440100", "250000.00")  # × 200 % = 500,000.00 may be issued: ten vouchers of 50,000
    supplier = w.supplier(1)
    drafts = []
    for n in range(24):
        enterprise = w.enterprise(10 + n)
        drafts.append((w.voucher(enterprise, supplier, f"C{n}", "50000.00", "2018-10-08", submit=False), enterprise))
    submitted, refused = _all_at_once([
        (lambda a=a, e=e: _step(w, a, "enterprise_submit", f"enterprise:{e}", files=(f"sha256:contract-{a}",)))
        for a, e in drafts])
    assert (len(submitted), refused) == (24, [])
    for app_id, _ in drafts:
        _step(w, app_id, "supplier_confirm", f"supplier:{supplier}")
    issued, refused = _all_at_once([
        (lambda a=a: _step(w, a, "city_approve", "city:440100", declared_fee_matches_contract="true"))
        for a, _ in drafts])
    assert len(issued) == 10 and len(refused) == 14
    assert all("the city's voucher allocation for this period is used up" in r for r in refused)
    with transaction(w.engine, read_only=True) as session:
        quota = find_account(session, "guangdong_vouchers/city_issuance_quota:440100:2018-1")
        assert quota.credits_posted == quota.ceiling_fen == 500_000_00
        states = [session.get(Application, a).state for a, _ in drafts]
        assert states.count("issued") == 10 and states.count("awaiting_city") == 14
        assert check(session) == [] and verify_events(session) == []
    budget = w.budget("2018-1", "440100")
    assert (budget["issued"], budget["reserved"]) == ("500000.00", "700000.00")


def test_one_enterprises_concurrent_applications_stay_within_its_period_cap(pg_world):
    w = pg_world
    w.announce(P1)
    w.allocate("2018-1", "440100", "5000000.00")
    supplier, enterprise = w.supplier(2), w.enterprise(3)
    drafts = [w.voucher(enterprise, supplier, f"S{n}", "200000.00", "2018-10-08", submit=False) for n in range(5)]
    done, refused = _all_at_once([
        (lambda a=a: _step(w, a, "enterprise_submit", f"enterprise:{enterprise}", files=(f"sha256:c-{a}",)))
        for a in drafts])
    awards = sorted(json.loads(w.huiqi("show", a, "--format", "json"))["award"] for a in drafts
                    if w.state(a) == "awaiting_supplier")
    assert awards == ["100000.00", "200000.00", "200000.00"]  # the third gets what is left of 500,000 (I-10)
    assert len(refused) == 2 and all("period_cap_remaining" in r for r in refused)
    with transaction(w.engine, read_only=True) as session:
        cap = find_account(session, f"guangdong_vouchers/enterprise_period_cap:{enterprise}:2018-1")
        assert cap.credits_pending == 500_000_00 == cap.ceiling_fen
        assert check(session) == []


def test_submissions_and_approvals_of_the_same_enterprises_interleave_without_deadlock(pg_world):
    w = pg_world
    w.announce(P1)
    w.allocate("2018-1", "440100", "200000.00")  # 400,000.00 may be issued: eight vouchers of 50,000
    supplier = w.supplier(4)
    jobs = []
    for n in range(12):
        enterprise = w.enterprise(40 + n)
        first = w.voucher(enterprise, supplier, f"M{n}a", "50000.00", "2018-10-08")
        _step(w, first, "supplier_confirm", f"supplier:{supplier}")
        second = w.voucher(enterprise, supplier, f"M{n}b", "50000.00", "2018-10-08", submit=False)
        jobs.append(lambda a=first: _step(w, a, "city_approve", "city:440100", declared_fee_matches_contract="true"))
        jobs.append(lambda a=second, e=enterprise: _step(w, a, "enterprise_submit", f"enterprise:{e}",
                                                         files=(f"sha256:m-{a}",)))
    done, refused = _all_at_once(jobs)
    assert done.count("issued") == 8 and done.count("awaiting_supplier") == 12 and len(refused) == 4
    with transaction(w.engine, read_only=True) as session:
        assert check(session) == [] and verify_events(session) == []
