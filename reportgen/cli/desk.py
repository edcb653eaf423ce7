"""The collection desk: ``reportgen desk links`` (the owners' links, into the mail drafts) and
``reportgen desk serve`` (the web application)."""

from __future__ import annotations

from pathlib import Path

import click

from ..desk.app import BODY_SECONDS, create_app
from ..desk.service import Desk
from ..desk.serving import HEAD_SECONDS, server_config
from ..desk.store import COORDINATOR
from ..pipeline import load
from ..round.mail import write_drafts
from ..round.plan import RoundPlan
from ..writers import inside
from .common import common_options, out

round_option = click.option("--round", "round_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
                            help="The round.json that `reportgen sheets` wrote (the desk keeps desk.sqlite beside it).")


@click.group("desk")
def desk_group() -> None:
    """The collection desk: owners hand in their sheets on their own web page and see at once what to fix."""


@desk_group.command("links")
@common_options
@round_option
@click.option("--url", default="http://127.0.0.1:8400", show_default=True,
              help="The desk's address as owners reach it (behind the reverse proxy: its https:// address).")
@click.option("--coordinator-only", is_flag=True, help="Issue only a new coordinator's link.")
def links_command(config_path: Path, strict: bool, quiet: bool, round_file: Path, url: str,
                  coordinator_only: bool) -> None:
    """Issue a new link for every owner of the round (the old ones stop working), write each into
    the owner's mail draft (beside round.json, in mail/), and print the coordinator's link."""
    config, _ = load(config_path)
    desk = Desk(config, round_file)
    base = url.rstrip("/")
    if not coordinator_only:
        links = {owner: f"{base}/o/{desk.store.issue(owner)}" for owner in desk.round.owners}
        plan = RoundPlan.read(round_file, config.messages)  # each sheet with where it came from, for the words
        sheets = {owner: [(inside(desk.round.folder, path.name, config.messages), origin) for path, origin in made]
                  for owner, made in plan.by_person(desk.round.folder).items()}
        drafts = write_drafts(config, sheets, desk.round.folder / "mail", plan.carried_from, links)
        out.print(config.messages("cli.desk_links", count=len(drafts), path=desk.round.folder / "mail"))
    out.print(config.messages("cli.desk_coordinator", link=f"{base}/c/{desk.store.issue(COORDINATOR)}"))


@desk_group.command("serve")
@common_options
@round_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; keep 127.0.0.1 behind a reverse proxy (HTTPS).")
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8400, show_default=True)
@click.option("--per-address", type=click.IntRange(1), default=600, show_default=True,
              help="Requests a minute from one address (an office behind one address counts as one).")
@click.option("--per-link", type=click.IntRange(1), default=20, show_default=True,
              help="Uploads and forms a minute with one link.")
@click.option("--head-timeout", type=click.FloatRange(0.1, 3600), default=HEAD_SECONDS, show_default=True,
              help="Seconds a request's head (request line and headers) may take to arrive; a slower "
                   "connection is closed.")
@click.option("--body-timeout", type=click.FloatRange(0.1, 3600), default=BODY_SECONDS, show_default=True,
              help="Seconds a form's body (an upload) may take to arrive; a slower one is refused, nothing kept.")
def serve_command(config_path: Path, strict: bool, quiet: bool, round_file: Path, host: str, port: int,
                  per_address: int, per_link: int, head_timeout: float, body_timeout: float) -> None:
    """Run the desk until Ctrl+C. The links come from `reportgen desk links`."""
    import uvicorn

    config, _ = load(config_path)
    app = create_app(Desk(config, round_file), per_address, per_link, body_timeout)
    if not quiet:
        out.print(config.messages("cli.desk_serving", url=f"http://{host}:{port}"))
    uvicorn.Server(server_config(app, host, port, log_level="warning" if quiet else "info",
                                 head_seconds=head_timeout)).run()
