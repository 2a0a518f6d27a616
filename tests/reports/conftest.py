"""Report tests share one sample deployment on SQLite per module, built through the real workflow engine."""

from __future__ import annotations

import datetime as dt

import pytest
from workflow.conftest import Deployment, deployment, uscc  # noqa: F401  (the workflow tests' helper and fixtures)

from huiqi.ledger.db import transaction
from huiqi.ledger.testing_fixtures import sqlite_engine_at
from huiqi.reports import ReportContext, collect_reports, run_report
from huiqi.workflow.actors import parse_actor

from . import sample

TODAY = dt.date(2022, 6, 30)


def make_runner(d: Deployment):
    """``run(name, viewer="admin", region=None, period=(None, None), application=None, today=TODAY)`` → ReportRun."""
    reports = collect_reports(d.app.manager, d.app.registry)

    def run(name, viewer="admin", *, region=None, period=(None, None), application=None, today=TODAY):
        with transaction(d.engine, read_only=True) as session:
            ctx = ReportContext(session, d.app.registry, parse_actor(viewer), today, region, *period, application)
            return run_report(reports[name], ctx)

    return run


@pytest.fixture(scope="module")
def sample_deployment(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reports")
    engine = sqlite_engine_at(tmp)
    d = Deployment(engine, tmp)
    ids = sample.build(d)
    yield d, ids
    engine.dispose()


@pytest.fixture(scope="module")
def ids(sample_deployment):
    return sample_deployment[1]


@pytest.fixture(scope="module")
def run(sample_deployment):
    return make_runner(sample_deployment[0])
