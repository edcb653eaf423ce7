"""Finding the sheets, and refusing what is not one before openpyxl ever sees it.

Every file in the inputs folder is looked at: a lock file, an old .xls, an .ods, a CSV, a PDF
renamed .xlsx, an empty file, a password-protected workbook, a broken or oversized zip. Each
gets one finding that says what to do; only plausible .xlsx/.xlsm files go on to the reader.
"""

from __future__ import annotations

import csv
import dataclasses
import errno
import os
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..configuration import Config
from ..paths import open_regular_file, read_head, shown
from ..problems import Finding, Severity, read_problem

ROUND_FILE = "round.json"
SHEET_SUFFIXES = {".xlsx", ".xlsm"}
SPREADSHEET_SUFFIXES = SHEET_SUFFIXES | {".xls", ".ods", ".csv", ".xlsb", ".numbers"}
MAX_ZIP_ENTRIES = 2_000
MAX_RATIO = 200  # uncompressed : compressed, per entry; real sheets stay far below
ZIP_SLACK = 2**20  # a zip may be a little larger than what it holds (headers, stored entries)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
OLE_SNIFF = 4 * 2**20   # how much of an OLE2 file is searched for the encryption stream's name
# Other Office files in the same OLE2 container as .xls, told by a stream's name (UTF-16 in the directory)
OLE_KINDS = (("Word", "WordDocument".encode("utf-16-le")), ("PowerPoint", "PowerPoint Document".encode("utf-16-le")),
             ("Outlook", "__substg1.0_".encode("utf-16-le")))
TEXT_SNIFF = 4096       # how much of a file is read to tell text from binary
ODS_MANIFEST = "META-INF/manifest.xml"
ODS_SNIFF = 2**20       # how much of an .ods manifest is searched for encryption data


@dataclasses.dataclass(frozen=True)
class SheetFile:
    path: Path
    name: str  # as shown to people: relative to the folder it was found in


def discover(config: Config, paths: list[Path] | None) -> tuple[list[SheetFile], list[Finding]]:
    """Expand the given files and folders (default: the configured sheets folder). What a folder
    holds that cannot be a sheet although it is named like one (a folder, a pipe, a broken link)
    is a warning; a symbolic link to a file is never followed (an error if it is named like a
    spreadsheet); a name that is not UTF-8 is an error if it is named like a spreadsheet (a warning
    otherwise), and every other file is still checked; a folder that cannot be listed is an error."""
    t = config.messages
    roots = paths or [config.sheets_dir]
    files: list[SheetFile] = []
    findings: list[Finding] = []
    for root in roots:
        root = Path(root)
        if root.is_dir():
            found, problems = _folder(root, config)
            files += found
            findings += problems
        elif root.exists():  # a file, or something else named on the command line: screen() says which
            files.append(SheetFile(root, root.name))
        else:
            findings.append(t.finding("inputs-missing", Severity.ERROR, file=str(root), path=str(root)))
    named = [f for f in files if _name_is_text(f.name)]
    findings += [t.finding("file-name-encoding", _severity(f.path), file=shown(f.name))
                 for f in files if f not in named]
    return named, findings


def _link_target(link: Path) -> str:
    try:
        return shown(os.readlink(link))
    except OSError:  # gone since it was looked at
        return "?"


def _severity(path: Path) -> Severity:
    """An error for what may be a sheet (an action would be missing), a warning for another file."""
    return Severity.ERROR if path.suffix.lower() in SPREADSHEET_SUFFIXES else Severity.WARNING


def _folder(root: Path, config: Config) -> tuple[list[SheetFile], list[Finding]]:
    t = config.messages
    try:
        entries = sorted(root.iterdir())
    except OSError as exc:
        return [], [t.finding("inputs-unreadable", Severity.ERROR, file=str(root),
                              detail=t(f"read_problems.{read_problem(exc)}"))]
    files, findings = [], []
    for entry in entries:
        if _silently_skipped(entry):
            continue
        kind = _entry_kind(entry)
        if kind in ("file", "not_regular") and entry.is_symlink():  # never followed, as in the archive
            findings.append(t.finding("file-link", _severity(entry), file=shown(entry.name),
                                      target=_link_target(entry)))
        elif kind == "file":
            files.append(SheetFile(entry, entry.name))
        elif entry.suffix.lower() in SPREADSHEET_SUFFIXES:
            findings.append(t.finding("file-skipped", Severity.WARNING, file=shown(entry.name),
                                      kind=t(f"skipped_kinds.{kind}")))
    return files, findings


def _entry_kind(path: Path) -> str:
    """What a folder's entry is: a regular file, a folder, something else (a pipe, a device), a
    symbolic link to nothing, or a ring of symbolic links."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "link_loop"
        return "broken_link" if path.is_symlink() else "not_regular"
    if stat.S_ISREG(mode):
        return "file"
    return "folder" if stat.S_ISDIR(mode) else "not_regular"


def _name_is_text(name: str) -> bool:
    """A file name that is not valid UTF-8 reaches Python with stand-ins (surrogates) that no
    report, PDF or JSON can carry."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _silently_skipped(path: Path) -> bool:
    """Hidden files (.DS_Store …) but not LibreOffice's lock files, which are worth a word; and the
    round.json that ``reportgen sheets`` writes beside the sheets it sends out."""
    return (path.name.startswith(".") and not path.name.startswith(".~lock.")) or path.name == ROUND_FILE


def screen(file: SheetFile, config: Config) -> Finding | None:
    """None when the file may be read as a standard sheet; otherwise the one finding about it.
    Only what is needed is read: the first bytes, a zip's directory, the first bytes of one entry."""
    t = config.messages

    def finding(code: str, severity: Severity = Severity.ERROR, **params: Any) -> Finding:
        return t.finding(code, severity, file=file.name, **params)

    if file.path.name.startswith(("~$", ".~lock.")):
        return finding("file-lock", Severity.WARNING)
    try:
        return _screen(file, config, finding)
    except OSError as exc:
        return finding("file-unreadable", detail=t(f"read_problems.{read_problem(exc)}"))


def _screen(file: SheetFile, config: Config, finding: Callable[..., Finding]) -> Finding | None:
    path, suffix = file.path, file.path.suffix.lower()
    with open_regular_file(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(TEXT_SNIFF)
    if size == 0:
        return finding("file-empty") if suffix in SPREADSHEET_SUFFIXES else finding("file-ignored", Severity.WARNING)
    if head.startswith(b"PK"):
        return _screen_zip(file, config, finding, size)
    if head.startswith(OLE_MAGIC):
        return _screen_ole(path, finding)
    if suffix not in SPREADSHEET_SUFFIXES:
        return finding("file-ignored", Severity.WARNING)
    if head.startswith(b"%PDF"):
        return finding("file-not-spreadsheet", suffix=suffix, kind="PDF")
    text = text_kind(head, whole=size <= len(head))
    if suffix == ".csv" or text == "csv":
        return finding("file-csv")
    if text == "text":
        return finding("file-text", suffix=suffix)
    if suffix == ".xls":
        return finding("file-xls")
    return finding("file-corrupt", detail=config.messages("words.unknown_format"))


def _screen_ole(path: Path, finding: Callable[..., Finding]) -> Finding:
    """An OLE2 file: a password-protected workbook, another Office file (a Word document, an Outlook
    message), or an old Excel workbook."""
    sniffed = read_head(path, OLE_SNIFF)
    if ENCRYPTED_MARK in sniffed:
        return finding("file-encrypted")
    kind = next((kind for kind, mark in OLE_KINDS if mark in sniffed), None)
    if kind is None:
        return finding("file-xls")
    return finding("file-not-spreadsheet", suffix=path.suffix.lower(), kind=kind)


def _screen_zip(file: SheetFile, config: Config, finding: Callable[..., Finding], size: int) -> Finding | None:
    """Sizes, counts and ratios first, from the zip's directory alone; then at most a few bytes of
    the entries that tell the kind of file."""
    limit = int(config.sheets.max_file_mb * 1024 * 1024)
    t = config.messages
    if size > limit + ZIP_SLACK:
        return finding("file-too-large", detail=f"{size // 2**20} MB > {limit // 2**20} MB")
    try:
        entries = _zip_entry_count(file.path, size)
        if MAX_ZIP_ENTRIES < entries < 0xFFFF:  # 0xFFFF: a Zip64 end record says more; the directory is counted
            return finding("file-too-large", detail=t("words.zip_entries", count=entries))
        with zipfile.ZipFile(file.path) as zf:
            too_large = _zip_bounds(zf.infolist(), limit, config)
            if too_large:
                return finding("file-too-large", detail=too_large)
            kind = _zip_kind(zf)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError, zlib.error):
        return finding("file-corrupt", detail=t("words.damaged_zip"))
    if kind in ("ods", "ods-encrypted"):
        return finding("file-ods" if kind == "ods" else "file-encrypted")
    if kind == "xlsb":
        return finding("file-xlsb")
    if kind != "xlsx":
        return finding("file-not-spreadsheet", suffix=file.path.suffix, kind=kind)
    if file.path.suffix.lower() not in SHEET_SUFFIXES:
        return finding("file-ignored", Severity.WARNING)
    return None


def _zip_entry_count(path: Path, size: int) -> int:
    """How many entries a zip says it has (its end record), read before its directory is."""
    tail = min(size, 22 + 65535)
    with open_regular_file(path) as fh:
        fh.seek(size - tail)
        data = fh.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or at + 12 > len(data):
        raise zipfile.BadZipFile(str(path))
    return int.from_bytes(data[at + 10:at + 12], "little")


def _zip_bounds(infos: list[zipfile.ZipInfo], limit: int, config: Config) -> str | None:
    """Why the zip is too large to read (its entries' count, total size or a ratio), or None."""
    t = config.messages
    if len(infos) > MAX_ZIP_ENTRIES:
        return t("words.zip_entries", count=len(infos))
    total = sum(info.file_size for info in infos)
    if total > limit:
        return f"{total // 2**20} MB > {limit // 2**20} MB"
    if any(info.file_size > MAX_RATIO * max(info.compress_size, 1) + 2**20 for info in infos):
        return t("words.zip_ratio")
    return None


def part_key(name: str) -> str:
    """A package part's name as Excel compares them: case-insensitive, ``/`` and ``\\`` alike."""
    return name.replace("\\", "/").lstrip("/").casefold()


def _zip_kind(zf: zipfile.ZipFile) -> str:
    """``xlsx``, ``xlsb``, ``ods``, ``ods-encrypted``, ``Word``, ``PowerPoint`` or ``zip``."""
    names = {part_key(info.filename): info for info in zf.infolist()}
    if "mimetype" in names:
        with zf.open(names["mimetype"]) as fh:
            if b"spreadsheet" in fh.read(100):
                return "ods-encrypted" if _ods_encrypted(zf, names.get(part_key(ODS_MANIFEST))) else "ods"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "Word" if "word/document.xml" in names else ("PowerPoint" if "ppt/presentation.xml" in names else "zip")


def _ods_encrypted(zf: zipfile.ZipFile, manifest: zipfile.ZipInfo | None) -> bool:
    """An OpenDocument file saved with a password lists how each part is encrypted in its manifest."""
    if manifest is None:
        return False
    with zf.open(manifest) as fh:
        return b"encryption-data" in fh.read(ODS_SNIFF)


def text_kind(head: bytes, whole: bool) -> str | None:
    """``csv`` for delimited rows, ``text`` for other text, None for what is not text. ``head``:
    the file's first bytes (``whole``: all of it)."""
    text = _decoded(head)
    if text is None or "\x00" in text:
        return None
    lines = [line for line in text.splitlines() if line.strip()]
    if not whole and len(lines) > 1:
        lines = lines[:-1]  # the last line read may be cut off
    if len(lines) < 2:
        return "text"
    for delimiter in ",;\t":
        widths = {len(row) for row in csv.reader(lines[:50], delimiter=delimiter)}
        if len(widths) == 1 and widths.pop() > 1:
            return "csv"
    return "text"


def _decoded(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        return head.decode("utf-16", errors="ignore")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut off at the end of what was read
            return head[:exc.start].decode("utf-8", errors="strict")
    try:
        return head.decode("cp1252")
    except UnicodeDecodeError:
        return None
