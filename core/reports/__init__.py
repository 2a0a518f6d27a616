"""Reports: plugins and the core declare them (hook huiqi_reports), the core builds and renders them.

A :class:`Report` names a build function that reads the database for a viewer and returns
:class:`ReportData` (columns, rows with money in integer fen, totals, charts, notes); the
renderers turn it into md, html (self-contained, A4, inline SVG charts), csv (UTF-8 with BOM) or xlsx.
"""

from huiqi.reports.catalog import collect_reports, find_report
from huiqi.reports.model import ADMIN, Chart, Column, Report, ReportContext, ReportData, Table
from huiqi.reports.run import FORMATS, ReportRun, render, run_report
from huiqi.reports.scope import check_viewer, mask_uscc

__all__ = ["ADMIN", "FORMATS", "Chart", "Column", "Report", "ReportContext", "ReportData", "ReportRun", "Table",
           "check_viewer", "collect_reports", "find_report", "mask_uscc", "render", "run_report"]
