"""What an edition's PDF carries inside: its merged data (Data) and its original inputs (Source):
the configuration, every sheet, the files the configuration names (font, logo, pictures) and the
report's own templates.

PDF/A-3 associated files: each attachment is listed in the catalogue's /AF array with its
/AFRelationship, so the PDF alone is enough to rebuild or audit the edition: `reportgen extract`
writes the files back where the configuration looks for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ..configuration import Config
from ..locales import Messages
from ..model import Catalogue
from ..paths import read_regular_file, template_files
from ..problems import ConfigError, Severity, read_problem

if TYPE_CHECKING:
    from weasyprint import Attachment

DATA_NAME = "data.json"


def edition_data(catalogue: Catalogue) -> bytes:
    """The merged data of the edition: every action with every field, marks, status, person."""
    config = catalogue.config
    data = {
        "format": "reportgen-edition/1",
        **catalogue.to_dict(),
        "themes": [t.model_dump(mode="json") for t in config.themes],
        "fields": [f.model_dump(mode="json") for f in config.fields],
        "committees": [c.model_dump(mode="json") for c in config.committees],
        "administrations": [a.model_dump(mode="json") for a in config.administrations],
        "statuses": [s.model_dump(mode="json") for s in config.statuses],
        "open_data": config.open_data.model_dump(mode="json"),
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def attachments(catalogue: Catalogue, config_file: Path, sheets: dict[str, Path]) -> list[Attachment]:
    """The data (relationship Data), then the configuration and every sheet (Source), as
    WeasyPrint attachments."""
    from weasyprint import Attachment

    day = catalogue.config.report.date
    when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    t = catalogue.config.messages

    def attach(data: bytes, name: str, description: str, relationship: str) -> Attachment:
        return Attachment(string=data, name=name, description=description, created=when, modified=when,
                          relationship=relationship)

    out = [attach(edition_data(catalogue), DATA_NAME, t("archive.data_description"), "Data"),
           attach(Path(config_file).read_bytes(), Path(config_file).name, t("archive.config_description"), "Source")]
    for name, path in sorted(sheets.items()):
        out.append(attach(path.read_bytes(), sheet_name(catalogue.config, name), t("archive.sheet_description"),
                          "Source"))
    for name, path in report_files(catalogue.config):
        out.append(attach(path.read_bytes(), name, t("archive.file_description"), "Source"))
    return out


def sheet_name(config: Config, name: str) -> str:
    """A sheet's name in the archive: under the sheets folder as the configuration names it
    (``sheets/2025/07.xlsx`` for ``sheets.folder: sheets/2025``), so that ``extract`` puts it back
    where a rebuild looks; under ``sheets/`` for a folder outside the configuration's own."""
    folder = Path(config.sheets.folder)
    if folder.is_absolute() or ".." in folder.parts or not folder.parts:
        return f"sheets/{name}"
    return f"{folder.as_posix()}/{name}"


def source_name(path: Path, config: Config) -> str:
    """A file's name in the archive: its path from the configuration's folder (as the
    configuration names it), or ``external/<hash>-<name>`` for a file outside that folder (the
    hash of where it was keeps two outside files of the same name apart)."""
    base, path = config.base_dir.resolve(), Path(path).resolve()
    if path.is_relative_to(base):
        return path.relative_to(base).as_posix()
    return f"external/{hashlib.sha256(path.as_posix().encode()).hexdigest()[:8]}-{path.name}"


def report_files(config: Config) -> list[tuple[str, Path]]:
    """The report's own files besides configuration and sheets, by archive name: the files the
    configuration names and everything in its own `templates/` folder."""
    found = {source_name(path, config): path for _, path in config.files()}
    own = config.base_dir / "templates"
    if own.is_dir():
        found.update((source_name(path, config), path) for path in template_files(own))
    return sorted(found.items())


MAX_PDF_BYTES = 512 * 1024 * 1024
MAX_ATTACHMENTS = 12_000  # a sheet for each of 9999 actions, the data, the configuration, fonts, templates
MAX_ATTACHED_BYTES = MAX_PDF_BYTES  # all attached files together, unpacked


def read_attachments(pdf: Path, t: Messages) -> dict[str, tuple[bytes, str]]:
    """Every associated file of a PDF: name -> (bytes, relationship). At most ``MAX_ATTACHMENTS``
    files of at most 512 MB together, unpacked (pypdf bounds each stream's unpacking as well)."""
    try:
        reader = PdfReader(io.BytesIO(read_regular_file(pdf, MAX_PDF_BYTES)))
        found, total = {}, 0
        root: Any = reader.trailer["/Root"]
        listed = root.get("/AF", [])
        if len(listed) > MAX_ATTACHMENTS:
            raise ConfigError([t.finding("edition-too-many-files", Severity.ERROR, file=str(pdf), count=len(listed),
                                         limit=MAX_ATTACHMENTS)])
        for reference in listed:
            spec = reference.get_object()
            name = str(spec.get("/UF") or spec.get("/F"))
            data = spec["/EF"]["/F"].get_object().get_data()
            total += len(data)
            if total > MAX_ATTACHED_BYTES:
                raise ConfigError([t.finding("edition-files-too-large", Severity.ERROR, file=str(pdf),
                                             limit=MAX_ATTACHED_BYTES // 2**20)])
            found[name] = (data, str(spec.get("/AFRelationship", "/Unspecified")).lstrip("/"))
        return found
    except (OSError, PyPdfError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ConfigError([t.finding("edition-unreadable", Severity.ERROR, file=str(pdf),
                                        detail=t(f"read_problems.{read_problem(exc)}"))]) from None


def read_data(pdf: Path, t: Messages) -> dict[str, Any]:
    """The edition data a PDF carries."""
    found = read_attachments(pdf, t)
    if DATA_NAME not in found:
        raise ConfigError([t.finding("edition-no-data", Severity.ERROR, file=str(pdf), name=DATA_NAME)])
    return parse_data(found[DATA_NAME][0], str(pdf), t)


def parse_data(raw: bytes, where: str, t: Messages) -> dict[str, Any]:
    """Edition data (or any JSON reportgen reads) from bytes: a mapping, or a finding that says why not."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise ConfigError([t.finding("edition-unreadable", Severity.ERROR, file=where,
                                        detail=t(f"read_problems.{read_problem(exc)}"))]) from None
    if not isinstance(data, dict):
        raise ConfigError([t.finding("edition-unreadable", Severity.ERROR, file=where,
                                        detail=t("read_problems.format"))])
    return data
