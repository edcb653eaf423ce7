"""reportgen: the status report of a municipal action catalogue, from standard sheets to PDF.

The library API (the CLI is a thin layer over it)::

    from reportgen import load_config, check, build
    config, warnings = load_config("inputs/report.yaml")
    outcome = check(config)                 # findings as data, and the validated catalogue
    result = build("inputs/report.yaml")    # checks, renders, writes build/….pdf
"""

__version__ = "0.1.0"

from .checks import CheckOutcome, check  # noqa: E402
from .commands.build import BuildResult, build  # noqa: E402
from .config import Config, load_config  # noqa: E402
from .findings import CheckResult, Finding, Severity  # noqa: E402
from .render import render_html  # noqa: E402
from .sheets.template import write_template  # noqa: E402

__all__ = [
    "BuildResult", "CheckOutcome", "CheckResult", "Config", "Finding", "Severity",
    "build", "check", "load_config", "render_html", "write_template",
]
