"""The plugin's hook implementations: its document (the workflow's hooks are added beside it)."""

from huiqi.hookspecs import hookimpl
from huiqi_plugins.guangdong_vouchers.document import document


@hookimpl
def huiqi_documents():
    return [document()]


# huiqi_workflows (and the reports) are added here by the workflow work of issue 5 (workflow.py).
