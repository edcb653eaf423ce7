"""The ``reportgen`` command: a thin layer over the library. Every command is added here.

Exit codes (scripts may rely on them):
  0  done, no problems (or only warnings)
  1  the sheets have errors (or warnings, with --strict); nothing was written
  2  wrong usage, or a configuration (or another given file) that cannot be used
  3  the build failed for another reason (rendering, a broken template, writing files)
  4  refused: this version is already published
"""

from __future__ import annotations

import click

from .. import __version__
from .archive import archive_group, diff_command, extract_command, publish_command
from .common import stops
from .data import export_command, history_command
from .inputs import build_command, check_command, proof_command, template_command
from .preview import new_command, serve_command
from .round import sheets_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def cli() -> None:
    """Build the status report of an action catalogue from its standard sheets."""


for _command in (check_command, build_command, proof_command, template_command, sheets_command, publish_command,
                 archive_group, extract_command, diff_command, export_command, history_command, serve_command,
                 new_command):
    cli.add_command(_command)


def main() -> None:
    with stops():  # the last safety net, for a command that has none of its own (an OSError: exit 3)
        cli(prog_name="reportgen")
