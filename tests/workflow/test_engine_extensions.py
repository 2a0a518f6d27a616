"""Engine features a plugin declares: registrations without a measure, flag timers, prepare work,
batch steps, and payouts by role scope and fund group with carry-over of what a stop left behind."""

from __future__ import annotations

import datetime as dt

import pytest

from huiqi.errors import LedgerError, WorkflowError
from huiqi.ledger import Leg, apply_legs, check, find_account, fund, open_account
from huiqi.ledger.db import transaction
from huiqi.uscc import make_uscc
from huiqi.workflow.actors import Actor
from huiqi.workflow.engine import act, act_batch, prepare_step
from huiqi.workflow.models import Application
from huiqi.workflow.service import Workflows, open_application, run_payouts, tick
from huiqi.workflow.spec import Action, Deadline, Role, Timer, Workflow

from .conftest import Deployment

PLUGIN = "anhui_iiot_grants"  # an installed document to hang the test workflow on
POLICY = f"{PLUGIN}.test_registration"
D = dt.date(2022, 5, 9)  # a Monday
CITY = Role("city_bureau", "applicant_city")
OWNER = Role("enterprise", "applicant")


def _open_fund_accounts(ctx):
    app = ctx.application
    open_account(ctx.session, code=f"t/paid/{app.applicant_uscc}", kind="payable", plugin=PLUGIN)


def _pay(ctx):
    app = ctx.application
    apply_legs(ctx.session, [Leg(f"t/fund/{app.region_code[:4]}00", f"t/paid/{app.applicant_uscc}",
                                 app.data["amount"], ctx.key("pay"), PLUGIN)])
    ctx.payload["paid_fen"] = app.data["amount"]


def _set_amount(ctx):
    ctx.application.data = dict(ctx.application.data) | {"amount": int(ctx.options["amount"])}


def _carry(ctx):
    ctx.application.data = dict(ctx.application.data) | {"carry_effect": True}


WORKFLOW = Workflow(
    name="test.registration", policies=(), registrations=(POLICY,), applicant_role="enterprise",
    states=("draft", "submitted", "payable", "paid", "returned"), initial="draft", final=("paid",),
    actions=(
        Action("submit", ("draft", "returned"), "submitted", (OWNER,)),
        Action("return", ("submitted",), "returned", (CITY,), note_required=True),
        Action("approve", ("submitted",), "payable", (CITY,), prepare=(_open_fund_accounts,), effects=(_set_amount,),
               deadline=Deadline(5, on_late="flag")),
    ),
    timers=(Timer("review_overdue", "submitted", None, deadline=Deadline(5), flag="review_overdue"),),
    payable="payable", paid="paid", payout=_pay, payout_roles=(CITY, Role("system")),
    payout_group=lambda app: app.region_code[:4], payout_order=lambda app: (-app.data["amount"], app.id),
    carry_over_unreached=True, carry_over_effects=(_carry,),
)


@pytest.fixture
def world(ledger_engine, tmp_path):
    deployment = Deployment(ledger_engine, tmp_path)
    deployment.app.__dict__["workflows"] = Workflows({WORKFLOW.name: WORKFLOW})
    return deployment


def _open(world, n, region="340100"):
    uscc = make_uscc(n, region)
    with transaction(world.engine) as session:
        app = open_application(session, registry=world.app.registry, calculator=world.calculator,
                               workflows=world.app.workflows, policy=POLICY, applicant_uscc=uscc, region_code=region,
                               facts={"anything": 1}, on=D, actor=Actor("enterprise", uscc))
        assert (app.eligible, app.award_fen, app.result) == (None, 0, {})
        return app.id, uscc


def _act(world, app_id, action, actor, on=D, note=None, **options):
    with transaction(world.engine) as session:
        prepare_step(session, app_id=app_id, action_name=action, actor=actor, workflows=world.app.workflows.by_name,
                     registry=world.app.registry, calculator=world.calculator, today=on, options=options)
    with transaction(world.engine) as session:
        return act(session, app_id=app_id, action_name=action, actor=actor, workflows=world.app.workflows.by_name,
                   registry=world.app.registry, calculator=world.calculator, today=on, note=note,
                   options=options).state


def test_a_registration_opens_without_a_measure_and_checks_roles(world):
    app_id, uscc = _open(world, 1)
    with pytest.raises(WorkflowError, match="not the applicant"):
        _act(world, app_id, "submit", Actor("enterprise", make_uscc(2, "340100")))
    assert _act(world, app_id, "submit", Actor("enterprise", uscc)) == "submitted"
    with pytest.raises(WorkflowError, match="wrong scope.*340100"):
        _act(world, app_id, "return", Actor("city_bureau", "340200"), note="x")


def test_a_flag_timer_fires_once_per_stay_and_changes_no_state(world):
    app_id, uscc = _open(world, 3)
    _act(world, app_id, "submit", Actor("enterprise", uscc))
    due = dt.date(2022, 5, 16)  # 5 working days after Monday 9 May
    assert world.tick(due) == []
    first = world.tick(due + dt.timedelta(days=1))
    assert [(o.timer, o.from_state, o.to_state) for o in first] == [("review_overdue", "submitted", "submitted")]
    assert world.tick(due + dt.timedelta(days=5)) == []  # once per stay
    _act(world, app_id, "return", Actor("city_bureau", "340100"), on=due, note="add the licence")
    _act(world, app_id, "submit", Actor("enterprise", uscc), on=due)
    assert len(world.tick(dt.date(2022, 6, 30))) == 1  # a new stay re-arms it
    with transaction(world.engine, read_only=True) as session:
        flags = session.get(Application, app_id).data["flags"]["review_overdue"]
    assert len(flags) == 2


def test_late_action_is_flagged_not_refused_and_prepare_opens_accounts(world):
    app_id, uscc = _open(world, 4)
    _act(world, app_id, "submit", Actor("enterprise", uscc))
    assert _act(world, app_id, "approve", Actor("city_bureau", "340100"), on=dt.date(2022, 6, 1), amount=5) == "payable"
    with transaction(world.engine, read_only=True) as session:
        assert find_account(session, f"t/paid/{uscc}") is not None


def test_a_batch_is_all_or_nothing(world):
    ids = []
    for n in (5, 6, 7):
        app_id, uscc = _open(world, n)
        ids.append(app_id)
        if n != 7:
            _act(world, app_id, "submit", Actor("enterprise", uscc))
    with pytest.raises(WorkflowError, match=f"application {ids[2]}.*wrong state"), transaction(world.engine) as session:
        act_batch(session, app_ids=ids, action_name="return", actor=Actor("city_bureau", "340100"),
                  workflows=world.app.workflows.by_name, registry=world.app.registry, calculator=world.calculator,
                  today=D, note="all of them")
    assert [world.state(i) for i in ids] == ["submitted", "submitted", "draft"]
    with transaction(world.engine) as session:
        done = act_batch(session, app_ids=ids[:2], action_name="return", actor=Actor("city_bureau", "340100"),
                         workflows=world.app.workflows.by_name, registry=world.app.registry,
                         calculator=world.calculator, today=D, note="all of them")
    assert [a.state for a in done] == ["returned", "returned"]


def _fund_city(world, city, fen):
    with transaction(world.engine) as session:
        open_account(session, code="t/source", kind="source", plugin=PLUGIN)
        open_account(session, code=f"t/fund/{city}", kind="budget", plugin=PLUGIN, floor_fen=0)
    with transaction(world.engine) as session:
        fund(session, source="t/source", account=f"t/fund/{city}", amount_fen=fen, idempotency_key=f"f:{city}",
             plugin=PLUGIN)


def test_payouts_by_scope_and_group_stop_and_carry_the_rest_over(world):
    _fund_city(world, "340100", 250)
    _fund_city(world, "340200", 1000)
    apps = {}
    for n, region, amount in ((8, "340100", 100), (9, "340100", 200), (10, "340100", 50), (11, "340200", 300)):
        app_id, uscc = _open(world, n, region)
        _act(world, app_id, "submit", Actor("enterprise", uscc))
        _act(world, app_id, "approve", Actor("city_bureau", region[:4] + "00"), amount=amount)
        apps[amount] = app_id
    assert run_payouts(world.engine, registry=world.app.registry, calculator=world.calculator,
                       workflows=world.app.workflows, on=D, actor=Actor("enterprise", make_uscc(8, "340100"))) == []
    outcomes = run_payouts(world.engine, registry=world.app.registry, calculator=world.calculator,
                           workflows=world.app.workflows, on=D, actor=Actor("city_bureau", "340100"))
    # order: 200 then 100 (would break the fund: 250 - 200 = 50 < 100) → stop; 50 is carried, not paid
    assert [(o.application_id, o.paid, o.amount_fen) for o in outcomes] == [(apps[200], True, 200), (apps[100], False, 0)]
    assert world.state(apps[300]) == "payable"  # another city's: not this actor's scope
    with transaction(world.engine, read_only=True) as session:
        for amount in (100, 50):
            data = session.get(Application, apps[amount]).data
            assert data["carried_over"] and data["carry_effect"]
        assert check(session) == []
    paid = run_payouts(world.engine, registry=world.app.registry, calculator=world.calculator,
                       workflows=world.app.workflows, on=D)  # system: every group
    assert {(o.application_id, o.paid) for o in paid} == {(apps[300], True), (apps[100], False)}
    with pytest.raises(LedgerError):
        with transaction(world.engine) as session:
            apply_legs(session, [Leg("t/fund/340100", "t/source", 51, "overdraw", PLUGIN)])


def test_a_counters_first_use_by_many_at_once_gives_each_its_own_number(ledger_engine):
    import threading

    from huiqi.workflow.engine import next_counter

    got, errors = [], []
    barrier = threading.Barrier(8)

    def take():
        barrier.wait()
        try:
            with transaction(ledger_engine) as session:
                got.append(next_counter(session, "fresh"))
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(got) == list(range(1, 9))
