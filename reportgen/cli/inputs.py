"""Commands on the inputs: build the report, proof it, write the blank sheet."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..archive.previous import changes_source
from ..archive.store import DEFAULT_ARCHIVE
from ..configuration import Config
from ..pipeline import build, load, make_edition
from ..problems import CheckResult
from ..sheets.template import write_template
from ..writers import inside, refuse_overwrite
from .common import (
    ConsoleProgress,
    changes_options,
    common_options,
    err,
    history_for,
    out,
    print_findings,
    say_changes,
)


@click.command("build")
@common_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the edition's folder <name>/ (PDF, HTML, web edition, open data) is written.  "
                   "[default: build/ beside the configuration]")
@changes_options
@click.option("--print", "print_edition", is_flag=True, default=None,
              help="Also write the print shop's edition beside the PDF: <name>-tryk.pdf / -print.pdf (PDF/X-4, "
                   "3 mm bleed, crop marks, pages to a multiple of 4).  [default: print_edition: in the configuration]")
def build_command(config_path: Path, strict: bool, quiet: bool, out_dir: Path | None,
                  changes_since: Path | None, no_changes: bool, print_edition: bool | None) -> None:
    """Check the sheets, then write the report as PDF and as a web edition, with the changes since
    the last edition published in the archive (``--print``: and the print shop's edition)."""
    config, warnings = load(config_path)
    t = config.messages
    history = history_for(config, quiet, strict)
    archive = config.history_archive or config.base_dir / DEFAULT_ARCHIVE
    since = changes_source(config, archive, changes_since, no_changes)
    say_changes(since, archive, t, quiet)
    progress = ConsoleProgress(quiet, t)
    try:
        result = build(config, out_dir, warnings=warnings, strict=strict, changes_since=since.source,
                       progress=progress, history=history, changes=since.source is not None,
                       print_edition=print_edition)
    finally:
        progress.close()
    if quiet:
        return
    if result.result.findings:
        print_findings(result.result, t, quiet=True, strict=strict)
    err.print(t("cli.html_written", path=result.html))
    err.print(t("cli.web_written", path=result.web / "index.html"))
    err.print(t("cli.built_one" if result.actions == 1 else "cli.built", pages=result.pages, actions=result.actions))
    if result.proof:
        err.print(t("cli.proof_found", count=len(result.proof)))
        print_findings(CheckResult(findings=result.proof), t, quiet=True, strict=strict)
    out.print(t("cli.written", path=result.pdf))
    if result.print_pdf is not None:
        out.print(t("cli.print_written", path=result.print_pdf))


@click.command("proof")
@common_options
@click.option("--print", "print_edition", is_flag=True, default=None,
              help="Also lay out the print shop's edition and run the print checks on it (bleed, page count, "
                   "picture resolution).  [default: print_edition: in the configuration]")
def proof_command(config_path: Path, strict: bool, quiet: bool, print_edition: bool | None) -> None:
    """Lay out the report and list, page by page, what a proof-reader would mark, and what breaks
    PDF/UA-1's checks in the PDF (made in memory); writes nothing. ``--print``: the print edition's
    checks too."""
    config, warnings = load(config_path)
    t = config.messages
    progress = ConsoleProgress(quiet, t)
    try:
        edition = make_edition(config, warnings, progress=progress,
                               print_edition=config.print_edition if print_edition is None else print_edition)
    finally:
        progress.close()
    print_findings(CheckResult(findings=edition.proof), t, quiet=True, strict=strict)
    if not quiet:
        out.print(t("cli.proof_found", count=len(edition.proof)) if edition.proof else t("cli.proof_clean"))
    sys.exit(1 if edition.proof else 0)


@click.command("template")
@common_options
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the blank sheet (.xlsx).")
@click.option("--force", is_flag=True, help="Replace the file if it exists (never an input: the configuration, "
                                            "a file it names, a sheet in the sheets folder).")
def template_command(config_path: Path, strict: bool, quiet: bool, out_file: Path, force: bool) -> None:
    """Write the blank standard sheet for the configuration."""
    config, warnings = load(config_path)
    t = config.messages
    if warnings and not quiet:
        err.print("\n".join(t.describe(w) for w in warnings))
    target = inside(out_file.parent, out_file.name, t)
    refuse_overwrite(target, t, force=force, inputs=_inputs(config))
    path = write_template(config, target)
    if not quiet:
        out.print(t("cli.template_written", path=path))


def _inputs(config: Config) -> list[Path]:
    """What a build reads: the configuration, the files it names and the sheets folder's files."""
    folder = config.sheets_dir
    sheets = sorted(path for path in folder.iterdir() if path.is_file()) if folder.is_dir() else []
    return [config.source_file, *(path for _, path in config.files()), *sheets]
