"""reportgen: the status report of a municipal action catalogue, from standard sheets to PDF.

The library API (the CLI is a thin layer over it)::

    from reportgen import load_config, check, build
    config, warnings = load_config("inputs/report.yaml")
    outcome = check(config)                 # findings as data, and the validated catalogue
    result = build("inputs/report.yaml")    # checks, renders, writes inputs/build/….pdf
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Imported on first use: `reportgen check` must not pay for WeasyPrint.
_API = {
    "BuildResult": "reportgen.pipeline", "build": "reportgen.pipeline", "Edition": "reportgen.pipeline",
    "make_edition": "reportgen.pipeline", "check_inputs": "reportgen.pipeline", "load_catalogue": "reportgen.pipeline",
    "CheckOutcome": "reportgen.checks", "check": "reportgen.checks",
    "Config": "reportgen.configuration", "load_config": "reportgen.configuration",
    "CheckResult": "reportgen.problems", "Finding": "reportgen.problems", "Severity": "reportgen.problems",
    "ReportgenError": "reportgen.problems",
    "render_html": "reportgen.render", "write_template": "reportgen.sheets.template",
    "publish": "reportgen.archive.store", "diff_editions": "reportgen.diff",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> object:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
