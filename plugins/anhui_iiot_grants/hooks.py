"""The plugin's hook implementations: its document and the workflow its applications follow."""

import attrs

from huiqi.hookspecs import hookimpl
from huiqi_plugins.anhui_iiot_grants.document import document
from huiqi_plugins.anhui_iiot_grants.workflow import WORKFLOW


@hookimpl
def huiqi_documents():
    return [document()]


@hookimpl
def huiqi_workflows():
    return [attrs.evolve(WORKFLOW, policies=tuple(document().policy_ids()))]


@hookimpl
def huiqi_reports():
    from huiqi_plugins.anhui_iiot_grants.reports import REPORTS

    return list(REPORTS)
