"""`huiqi payout run` killed with SIGKILL at random points, then run again: all paid, none twice."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from huiqi.ledger import check, find_account
from huiqi.ledger.db import make_engine, transaction
from huiqi.ledger.migrate import upgrade_to_head
from huiqi.ledger.models import transfers
from huiqi.workflow.models import Application

from .conftest import Deployment

HUIQI = str(Path(sys.executable).parent / "huiqi")
D = dt.date(2022, 5, 10)
COUNT = 40


def _confirmed_applications(deployment: Deployment, uscc) -> list[int]:
    deployment.fund("equipment_upgrade", 2022, 100_000_000)
    ids = []
    for n in range(COUNT):
        applicant = uscc(1000 + n)
        facts = {"region_code": "340100", "is_digital_network_intelligent_upgrade": True,
                 "equipment_purchase_amount": f"{1_000_000 + 1234 * n}.{n % 100:02d}"}
        app_id = deployment.apply("equipment_upgrade", applicant, facts, D, project=f"P-{n}")
        for action, actor in (("submit", f"enterprise:{applicant}"), ("city_recommend", "city_bureau:340100"),
                              ("province_approve", "provincial_bureau"), ("finance_confirm", "provincial_finance")):
            deployment.act(app_id, action, actor, D)
        ids.append(app_id)
    return ids


def test_killed_payout_runs_finish_with_every_payout_made_once(tmp_path, uscc):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    deployment = Deployment(engine, tmp_path)
    ids = _confirmed_applications(deployment, uscc)
    env = dict(os.environ, HUIQI_DB=url, HUIQI_CONFIG=str(tmp_path / "none.toml"))
    rng = random.Random(7)
    partial_kills = 0
    for _attempt in range(8):
        before = _paid(engine)
        if before == COUNT:
            break
        process = subprocess.Popen([HUIQI, "payout", "run", "--on", "2022-06-01"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
        _wait_for_progress(engine, before, rng)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            if _paid(engine) < COUNT:
                partial_kills += 1
        process.wait()
    final = subprocess.run([HUIQI, "payout", "run", "--on", "2022-06-02"], env=env, capture_output=True,
                           text=True, cwd=tmp_path)
    assert final.returncode == 0, final.stderr
    with transaction(engine, read_only=True) as session:
        states = session.execute(select(Application.state).where(Application.id.in_(ids))).scalars().all()
        assert states == ["paid"] * COUNT
        awards = session.execute(select(func.sum(Application.award_fen))).scalar_one()
        posts = session.execute(select(transfers.c.idempotency_key).where(
            transfers.c.idempotency_key.like("%:award:post"))).scalars().all()
        assert len(posts) == len(set(posts)) == COUNT  # each award posted once, never twice
        budget = find_account(session, "anhui_iiot_grants/equipment_upgrade/2022")
        assert budget.debits_pending == 0 and budget.balance == 100_000_000_00 - awards
        assert check(session) == []
    assert partial_kills >= 1, "the test must have killed at least one run mid-way"


def _paid(engine) -> int:
    with transaction(engine, read_only=True) as session:
        return session.execute(select(func.count()).select_from(Application)
                               .where(Application.state == "paid")).scalar_one()


def _wait_for_progress(engine, before: int, rng: random.Random) -> None:
    """Let the run pay a few (a random number), so the kill lands between payouts or inside one."""
    target = before + rng.randint(1, 6)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _paid(engine) < target:
        time.sleep(0.01)
    time.sleep(rng.uniform(0, 0.05))
