"""Finding the sheets, and refusing what is not one before openpyxl ever sees it.

Every file in the inputs folder is looked at: a lock file, an old .xls, an .ods, a CSV, a PDF
renamed .xlsx, an empty file, a password-protected workbook, a broken or oversized zip. Each
gets one finding that says what to do; only plausible .xlsx/.xlsm files go on to the reader.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..configuration import Config
from ..problems import Finding, Severity

ROUND_FILE = "round.json"
SHEET_SUFFIXES = {".xlsx", ".xlsm"}
SPREADSHEET_SUFFIXES = SHEET_SUFFIXES | {".xls", ".ods", ".csv", ".xlsb", ".numbers"}
MAX_ZIP_ENTRIES = 2_000
MAX_RATIO = 200  # uncompressed : compressed, per entry; real sheets stay far below
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclasses.dataclass(frozen=True)
class SheetFile:
    path: Path
    name: str  # as shown to people: relative to the folder it was found in


def discover(config: Config, paths: list[Path] | None) -> tuple[list[SheetFile], list[Finding]]:
    """Expand the given files and folders (default: the configured sheets folder)."""
    t = config.messages
    roots = paths or [config.sheets_dir]
    files, findings = [], []
    for root in roots:
        root = Path(root)
        if root.is_dir():
            found = sorted(p for p in root.iterdir() if p.is_file())
            files += [SheetFile(p, p.name) for p in found if not _silently_skipped(p)]
        elif root.is_file():
            files.append(SheetFile(root, root.name))
        else:
            findings.append(t.finding("inputs-missing", Severity.ERROR, file=str(root), path=str(root)))
    return files, findings


def _silently_skipped(path: Path) -> bool:
    """Hidden files (.DS_Store …) but not LibreOffice's lock files, which are worth a word; and the
    round.json that ``reportgen sheets`` writes beside the sheets it sends out."""
    return (path.name.startswith(".") and not path.name.startswith(".~lock.")) or path.name == ROUND_FILE


def screen(file: SheetFile, config: Config) -> Finding | None:
    """None when the file may be read as a standard sheet; otherwise the one finding about it."""
    t = config.messages

    def finding(code: str, severity: Severity = Severity.ERROR, **params: Any) -> Finding:
        return t.finding(code, severity, file=file.name, **params)

    path, suffix = file.path, file.path.suffix.lower()
    if path.name.startswith(("~$", ".~lock.")):
        return finding("file-lock", Severity.WARNING)
    size = path.stat().st_size
    if size == 0:
        return finding("file-empty") if suffix in SPREADSHEET_SUFFIXES else finding("file-ignored", Severity.WARNING)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        return _screen_zip(file, config, finding)
    if head.startswith(OLE_MAGIC):
        return finding("file-encrypted") if _is_encrypted(path) else finding("file-xls")
    if suffix not in SPREADSHEET_SUFFIXES:
        return finding("file-ignored", Severity.WARNING)
    if head.startswith(b"%PDF"):
        return finding("file-not-spreadsheet", suffix=suffix, kind="PDF")
    if suffix == ".csv" or _looks_like_text(path):
        return finding("file-csv")
    if suffix == ".xls":
        return finding("file-xls")
    return finding("file-corrupt", detail=t("words.unknown_format"))


def _screen_zip(file: SheetFile, config: Config, finding: Callable[..., Finding]) -> Finding | None:
    limit = int(config.sheets.max_file_mb * 1024 * 1024)
    t = config.messages
    try:
        with zipfile.ZipFile(file.path) as zf:
            infos = zf.infolist()
            names = {info.filename for info in infos}
            if "mimetype" in names and b"spreadsheet" in zf.read("mimetype")[:100]:
                return finding("file-ods")
            if len(infos) > MAX_ZIP_ENTRIES:
                return finding("file-too-large", detail=t("words.zip_entries", count=len(infos)))
            total = sum(info.file_size for info in infos)
            if total > limit:
                return finding("file-too-large", detail=f"{total // 2**20} MB > {limit // 2**20} MB")
            if any(info.file_size > MAX_RATIO * max(info.compress_size, 1) + 2**20 for info in infos):
                return finding("file-too-large", detail=t("words.zip_ratio"))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return finding("file-corrupt", detail=t("words.damaged_zip"))
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        kind = "Word" if "word/document.xml" in names else ("PowerPoint" if "ppt/presentation.xml" in names else "zip")
        return finding("file-not-spreadsheet", suffix=file.path.suffix, kind=kind)
    if "xl/workbook.bin" in names:
        return finding("file-xls")
    if file.path.suffix.lower() not in SHEET_SUFFIXES:
        return finding("file-ignored", Severity.WARNING)
    return None


def _is_encrypted(path: Path) -> bool:
    """An OLE2 container is either an old .xls or an encrypted OOXML package."""
    data = path.read_bytes()[: 4 * 2**20]
    return ENCRYPTED_MARK in data


def _looks_like_text(path: Path) -> bool:
    sample = path.read_bytes()[:4096]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return b"\x00" not in sample
