"""``reportgen build``: check, then render the HTML and print the PDF.

Like MkDocs' build, everything is gathered and made in memory first; files are written only at
the end, each atomically, and nothing at all when the inputs have errors.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..archive import xmp
from ..archive.attachments import attachments
from ..config import DEFAULT_CONFIG
from ..exceptions import InputsError
from ..findings import CheckResult
from ..pdf import render_pdf
from ..progress import Progress, silent
from ..render import render_html, template_dirs
from ..writers import write_bytes, write_text
from .check import run_check

DEFAULT_OUT = Path("build")


@dataclasses.dataclass
class BuildResult:
    pdf: Path
    html: Path
    pages: int
    actions: int
    result: CheckResult


def build(config_path: Path | str | None = None, out_dir: Path | str | None = None, *, strict: bool = False,
          progress: Progress = silent) -> BuildResult:
    config, outcome = run_check(config_path, progress=progress)
    if outcome.result.failed(strict):
        raise InputsError(outcome.result)
    progress.stage("render")
    html = render_html(outcome.catalogue)
    progress.stage("layout")
    pdf_bytes, pages = render_pdf(
        html, template_dirs(config), created=config.report.date, finisher=xmp.finisher(config),
        attachments=attachments(outcome.catalogue, Path(config_path or DEFAULT_CONFIG), outcome.paths))
    progress.stage("write")
    out = Path(out_dir or DEFAULT_OUT)
    stem = config.report.file_stem
    html_path = write_text(out / f"{stem}.html", html)
    pdf_path = write_bytes(out / f"{stem}.pdf", pdf_bytes)
    return BuildResult(pdf_path, html_path, pages, len(outcome.catalogue.actions), outcome.result)
