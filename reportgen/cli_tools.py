"""CLI commands for communications staff: serve (the live preview) and new (a report folder)."""

from __future__ import annotations

import sys
import webbrowser
from pathlib import Path

import click

from .cli import cli, common_options, err, out
from .locales import Messages
from .starter import languages as _starter_languages


@cli.command("serve")
@common_options
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the browser.")
def serve_command(config_path: Path, strict: bool, quiet: bool, port: int, open_browser: bool) -> None:
    """Show the report in the browser, made again whenever a sheet, the configuration, a
    template or an asset is saved. Problems are shown on the page; Ctrl+C stops."""
    from .serve import serve

    def ready(server) -> None:
        t = server.preview.config.messages if server.preview.config else Messages(None)
        out.print(t("cli.serving", url=server.url))
        if open_browser:
            webbrowser.open(server.url)

    def rebuilt(preview) -> None:
        for problem in preview.problems:
            err.print(problem.describe())
        outcome = preview.outcome
        if outcome is not None and not quiet:
            result = outcome.result
            err.print(preview.config.messages("cli.rebuilt", sheets=len(result.files), errors=len(result.errors),
                                              warnings=len(result.warnings)))

    try:
        serve(config_path, port, on_ready=ready, on_rebuild=rebuilt)
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the port is taken, say
        err.print(f"reportgen: {exc}")
        sys.exit(2)


@cli.command("new")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(_starter_languages()), default="da", show_default=True,
              help="The report's language: its starter configuration, sheet and messages.")
def new_command(folder: Path, language: str) -> None:
    """Start a new report folder (configuration, blank sheet, an example action, a README)
    that builds at once."""
    from .commands.new import FolderNotEmpty, new_report

    t = Messages(language)
    try:
        config_path = new_report(folder, language=language)
    except FolderNotEmpty:
        err.print(t("cli.new_exists", path=folder))
        sys.exit(2)
    out.print(t("cli.new_written", path=folder, config=config_path))
