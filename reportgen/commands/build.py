"""``reportgen build``: check, then render the HTML and print the PDF.

Like MkDocs' build, everything is gathered and made in memory first (:func:`make_edition`);
files are written only at the end, each atomically, and nothing at all when the inputs have
errors. ``publish`` files the same edition in the archive instead.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..archive import xmp
from ..assets import Assets
from ..archive.attachments import attachments
from ..checks import CheckOutcome
from ..config import DEFAULT_CONFIG, Config
from ..exceptions import InputsError
from ..findings import CheckResult
from ..pdf import lay_out, weasyprint_errors, write_pdf
from ..progress import Progress, silent
from ..render import WEB, render_html, template_dirs
from ..writers import write_bytes, write_folder, write_text
from .check import run_check

DEFAULT_OUT = Path("build")


@dataclasses.dataclass
class Edition:
    """One edition of the report, made in memory."""

    config: Config
    config_file: Path
    outcome: CheckOutcome
    html: str
    pdf: bytes
    pages: int
    changes: list | None  # the diff against an earlier edition, if one was asked for

    @property
    def stem(self) -> str:
        return self.config.report.file_stem


@dataclasses.dataclass
class BuildResult:
    pdf: Path
    html: Path
    web: Path
    pages: int
    actions: int
    result: CheckResult
    config: Config


def make_edition(config_path: Path | str | None = None, *, strict: bool = False, changes_since: Path | None = None,
                 progress: Progress = silent) -> Edition:
    """Check the sheets (refusing on errors), render the HTML and lay out the PDF; write nothing."""
    config_file = Path(config_path or DEFAULT_CONFIG)
    config, outcome = run_check(config_file, progress=progress)
    if outcome.result.failed(strict):
        raise InputsError(outcome.result, config.messages)
    progress.stage("render")
    changes = _changes(outcome, changes_since or config.changes_since_path)
    assets = Assets(config, template_dirs(config))
    html = render_html(outcome.catalogue, changes=changes, assets=assets)
    progress.stage("layout")
    with weasyprint_errors():
        document = lay_out(html, assets.roots, assets.configured_files())
        progress.stage("write")
        pdf = write_pdf(document, created=config.report.date, finisher=xmp.finisher(config),
                        attachments=attachments(outcome.catalogue, config_file, outcome.paths))
    return Edition(config, config_file, outcome, html, pdf, len(document.pages), changes)


def web_edition(catalogue, changes=None, **extra) -> dict[str, bytes | Path]:
    """The standalone web edition: ``index.html`` and every file it uses, by name in its folder
    (``pdf_link``: the name of the PDF beside it, which the page offers for download)."""
    assets = Assets(catalogue.config, template_dirs(catalogue.config), web=True)
    html = render_html(catalogue, WEB, changes=changes, assets=assets, **extra)
    return {"index.html": html.encode("utf-8"), **assets.used}


def _changes(outcome: CheckOutcome, since: Path | None):
    if since is None:
        return None
    from ..archive.diff import diff_editions
    from ..sources import load_catalogue

    old, _ = load_catalogue(outcome.catalogue.config, since)
    return diff_editions(old.to_dict(), outcome.catalogue.to_dict())


def build(config_path: Path | str | None = None, out_dir: Path | str | None = None, *, strict: bool = False,
          changes_since: Path | None = None, progress: Progress = silent) -> BuildResult:
    edition = make_edition(config_path, strict=strict, changes_since=changes_since, progress=progress)
    pdf_name = edition.config.report.pdf_name
    web = web_edition(edition.outcome.catalogue, edition.changes, pdf_link=pdf_name) | {pdf_name: edition.pdf}
    out = Path(out_dir or DEFAULT_OUT)
    html_path = write_text(out / f"{edition.stem}.html", edition.html)
    pdf_path = write_bytes(out / pdf_name, edition.pdf)
    web_path = write_folder(out / f"{edition.stem}-web", web)
    return BuildResult(pdf_path, html_path, web_path, edition.pages, len(edition.outcome.catalogue.actions),
                       edition.outcome.result, edition.config)
