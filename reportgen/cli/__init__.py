"""The ``reportgen`` command: a thin layer over the library. Every command is named here.

A command's module is imported when that command runs (or when ``--help`` lists them all), so
``reportgen check`` does not pay for the imports of the build, the archive or the live preview
(click's "lazily loading subcommands").

Exit codes (scripts may rely on them):
  0  done, no problems (or only warnings)
  1  the sheets have errors (or warnings, with --strict); nothing was written
  2  wrong usage, or a configuration (or another given file) that cannot be used
  3  the build failed for another reason (rendering, a broken template, writing files)
  4  refused: this version is already published
"""

from __future__ import annotations

import importlib

import click

from .. import __version__
from .common import stops

# name → (module in this package, the command's object in it)
COMMANDS = {
    "check": ("check", "check_command"),
    "build": ("inputs", "build_command"),
    "proof": ("inputs", "proof_command"),
    "template": ("inputs", "template_command"),
    "sheets": ("round", "sheets_command"),
    "round": ("round", "round_group"),
    "publish": ("archive", "publish_command"),
    "archive": ("archive", "archive_group"),
    "extract": ("archive", "extract_command"),
    "diff": ("archive", "diff_command"),
    "export": ("data", "export_command"),
    "history": ("data", "history_command"),
    "serve": ("preview", "serve_command"),
    "new": ("preview", "new_command"),
    "desk": ("desk", "desk_group"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)  # one added with add_command(), or none
        module, name = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        if not isinstance(command, click.Command) or command.name != cmd_name:
            raise TypeError(f"{module}.{name} is not the command {cmd_name!r}")  # a programming error
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def cli() -> None:
    """Build the status report of an action catalogue from its standard sheets."""


def main() -> None:
    with stops():  # the last safety net, for a command that has none of its own (an OSError: exit 3)
        cli(prog_name="reportgen")
