"""Commands for communications staff: serve (the live preview) and new (a report folder)."""

from __future__ import annotations

import errno
import sys
import webbrowser
from pathlib import Path

import click

from ..locales import Messages
from ..preview.server import PreviewServer, serve
from ..preview.state import Preview
from ..problems import Severity
from ..starter import languages, new_report
from .common import common_options, err, out, stops


@click.command("serve")
@common_options
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the browser.")
def serve_command(config_path: Path, strict: bool, quiet: bool, port: int, open_browser: bool) -> None:
    """Show the report in the browser, made again whenever a sheet, the configuration, a
    template or an asset is saved. Problems are shown on the page; Ctrl+C stops."""
    def messages(preview: Preview) -> Messages:
        return preview.config.messages if preview.config else Messages(None)

    def ready(server: PreviewServer) -> None:
        out.print(messages(server.preview)("cli.serving", url=server.url))
        if open_browser:
            webbrowser.open(server.url)

    def rebuilt(preview: Preview) -> None:
        t = messages(preview)
        for problem in preview.problems:
            err.print(t.describe(problem))
        outcome = preview.outcome
        if outcome is not None and not quiet:
            result = outcome.result
            err.print(t("cli.rebuilt", sheets=len(result.files), errors=len(result.errors),
                        warnings=len(result.warnings)))

    try:
        serve(config_path, port, on_ready=ready, on_rebuild=rebuilt)
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the port is taken, say
        t = Messages(None)
        reason = errno.errorcode.get(exc.errno or 0, "?")
        err.print(t.describe(t.finding("serve-port", Severity.ERROR, port=port, detail=reason)))
        sys.exit(2)


@click.command("new")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(languages()), default="da", show_default=True,
              help="The report's language: its starter configuration, sheet and messages.")
def new_command(folder: Path, language: str) -> None:
    """Start a new report folder (configuration, blank sheet, an example action, a README)
    that builds at once."""
    with stops():
        config_path = new_report(folder, language=language)
    out.print(Messages(language)("cli.new_written", path=folder, config=config_path))
