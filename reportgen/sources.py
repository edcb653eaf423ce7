"""Where a catalogue can come from: the current sheets, or an edition's data (JSON or PDF)."""

from __future__ import annotations

import json
from pathlib import Path

from .checks import check
from .config import Config
from .exceptions import ReportgenError
from .findings import CheckResult
from .model import Action, Catalogue


def load_catalogue(config: Config, source: Path | None = None) -> tuple[Catalogue, CheckResult | None]:
    """The actions of the current inputs (``source`` None, with what check found), or of an
    edition: its data JSON, its published PDF (data embedded), or its archive folder."""
    if source is None:
        outcome = check(config)
        return outcome.catalogue, outcome.result
    source = Path(source)
    if source.is_dir():
        pdfs = sorted(source.glob("*.pdf"))
        if len(pdfs) != 1:
            raise ReportgenError(f"{source}: expected one edition PDF in the folder, found {len(pdfs)}")
        source = pdfs[0]
    if source.suffix.lower() == ".pdf":
        from .archive.attachments import read_data  # only needed for PDFs

        data = read_data(source)
    else:
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReportgenError(f"cannot read {source}: {exc}") from None
    try:
        actions = [Action.from_dict(a) for a in data["actions"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportgenError(f"{source} is not an edition's data: {exc}") from None
    return Catalogue(config, sorted(actions, key=lambda a: a.number)), None
