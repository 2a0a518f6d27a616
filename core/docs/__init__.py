"""The generated documentation site: every enabled plugin's document, measures, rules, parameters,
workflow, reports and KPIs, the hook reference and the hand-written guides, built with MkDocs."""

from huiqi.docs.site import BuiltSite, build_site, default_docs_dir, write_project

__all__ = ["BuiltSite", "build_site", "default_docs_dir", "write_project"]
