"""The plugin's hook implementations: it supplies one document."""

from huiqi.hookspecs import hookimpl
from huiqi_plugins.anhui_iiot_grants.document import document


@hookimpl
def huiqi_documents():
    return [document()]
