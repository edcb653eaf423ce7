"""The archive: one folder per published version, never overwritten, verifiable; each a BagIt
bag (:mod:`.bag`) whose payload is the version's own files:

    archive/2017/v2.6.2017/bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
                           data/status-paa-handlingskatalog-2017-v2.6.2017.pdf
                                data/           the edition's open data
                                manifest.json   edition, version, date, versions, hashes, check summary
                                SHA256SUMS      the PDF, its data and the manifest, in sha256sum's format

A version published before versions were bags has its own files in the folder itself (no
``data/`` level); it verifies as before, with a note, until ``archive bag`` (:mod:`.migrate`) moves
them into a bag.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from .. import __version__, opendata
from ..configuration import Config, ReportMeta
from ..history import History
from ..locales import Messages
from ..paths import BAG_PAYLOAD, file_sha256, is_bag, read_regular_file, shown, template_files, version_files
from ..pdf.attachments import read_attachments, sheet_name, source_name
from ..pipeline import Edition, load, make_edition
from ..problems import AlreadyPublished, ConfigError, Finding, ReportgenError, Severity, read_problem
from ..progress import Progress, silent
from ..render import template_dirs
from ..writers import inside, remove_stale_parts, remove_tree, write_all, write_failed
from .bag import make_bag, validate_bag

DEFAULT_ARCHIVE = Path("archive")  # beside the configuration
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def version_dir(archive: Path, report: ReportMeta, t: Messages) -> Path:
    """``archive/<edition>/v<version>``, never outside the archive."""
    return inside(inside(Path(archive), report.edition, t), f"v{report.version}", t)


def publish(config: Config | Path | str | None = None, archive: Path | str | None = None, *,
            warnings: list[Finding] | None = None, strict: bool = False, progress: Progress = silent,
            history: History | None = None, changes_since: Path | None = None, changes: bool = True) -> Path:
    """Build and file the edition (default archive: ``archive/`` beside the configuration); refuse
    if this version is already in the archive."""
    config, warnings = load(config, warnings)
    report, t = config.report, config.messages
    target = refuse_if_published(config, archive)
    edition = make_edition(config, warnings, strict=strict, progress=progress, history=history,
                           changes_since=changes_since, changes=changes)
    _refuse_if_published(target, report, t)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(target)  # what a killed publish of this version left
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    except OSError as exc:
        raise write_failed(target, exc, t) from None
    try:
        staging.chmod(0o755)
        _write_edition(staging, edition)
        os.rename(staging, target)  # atomic; fails if the version appeared meanwhile
    except OSError as exc:
        _refuse_if_published(target, report, t)
        raise write_failed(target, exc, t) from None
    finally:
        if staging.exists():
            remove_tree(staging)
    return target


def refuse_if_published(config: Config, archive: Path | str | None = None) -> Path:
    """The version's folder in the archive, refused (:class:`AlreadyPublished`) if it is there:
    before anything is read or built."""
    archive = Path(archive) if archive is not None else config.base_dir / DEFAULT_ARCHIVE
    target = version_dir(archive, config.report, config.messages)
    _refuse_if_published(target, config.report, config.messages)
    return target


def _refuse_if_published(target: Path, report: ReportMeta, t: Messages) -> None:
    if target.exists():
        raise AlreadyPublished([t.finding("already-published", Severity.ERROR, file=str(target),
                                          title=report.title, version=report.version)])


def _write_edition(folder: Path, edition: Edition) -> None:
    pdf_name = edition.config.report.pdf_name
    package = opendata.package(edition.outcome.catalogue)
    data = {f"{opendata.FOLDER}/{name}": content for name, content in package.items()}
    (folder / pdf_name).write_bytes(edition.pdf)
    (folder / opendata.FOLDER).mkdir()
    for name, content in data.items():
        (folder / name).write_bytes(content)
    about = manifest_of(edition, pdf_name, data)
    manifest = (json.dumps(about, ensure_ascii=False, indent=2) + "\n").encode()
    (folder / MANIFEST).write_bytes(manifest)
    files = {pdf_name: edition.pdf, **data, MANIFEST: manifest}
    (folder / SUMS).write_text("".join(f"{sha256(content)}  {name}\n" for name, content in files.items()),
                               encoding="utf-8")
    make_bag(folder, about, edition.config.messages)  # the files move into data/
    for path in sorted(folder.rglob("*"), reverse=True):  # read-only: a published version is not edited
        path.chmod(0o555 if path.is_dir() else 0o444)


def manifest_of(edition: Edition, pdf_name: str, data: dict[str, bytes] | None = None) -> dict[str, Any]:
    import weasyprint

    report, result = edition.config.report, edition.outcome.result
    return {
        "format": "reportgen-manifest/1",
        "title": report.title, "edition": report.edition, "version": report.version,
        "date": report.date.isoformat(), "organisation": report.organisation,
        "made_with": {"reportgen": __version__, "weasyprint": weasyprint.__version__},
        "pdf": {"file": pdf_name, "sha256": sha256(edition.pdf), "bytes": len(edition.pdf), "pages": edition.pages},
        "actions": len(edition.outcome.catalogue.actions),
        "data": [{"path": name, "sha256": sha256(content), "bytes": len(content)}
                 for name, content in (data or {}).items()],
        "inputs": _inputs(edition),
        "check": {"errors": len(result.errors), "warnings": len(result.warnings),
                  "findings": [f.to_dict() for f in result.sorted()]},
    }


def _inputs(edition: Edition) -> list[dict[str, str]]:
    """Every file the edition was made from: configuration, sheets, templates and assets, and
    the files the configuration names (font, logo, pictures)."""
    config_file = edition.config.source_file
    entries = [{"role": "configuration", "path": config_file.name, "sha256": sha256(config_file.read_bytes())}]
    entries += [{"role": "sheet", "path": sheet_name(edition.config, name), "sha256": sha256(path.read_bytes())}
                for name, path in sorted(edition.outcome.paths.items())]
    for root in template_dirs(edition.config):
        entries += [{"role": "template", "path": f"templates/{path.relative_to(root).as_posix()}",
                     "sha256": sha256(path.read_bytes())} for path in template_files(root)]
    for loc, path in edition.config.files():
        entries.append({"role": "style", "key": ".".join(map(str, loc)), "path": source_name(path, edition.config),
                        "sha256": sha256(path.read_bytes())})
    return entries


@dataclasses.dataclass
class Published:
    folder: Path  # the version's folder
    manifest: dict[str, Any]

    @property
    def files(self) -> Path:
        """Where its PDF, data and manifest are (a bag's ``data/``)."""
        return version_files(self.folder)


MAX_MANIFEST_BYTES = 16 * 1024 * 1024


def editions(archive: Path | str = DEFAULT_ARCHIVE) -> list[Published]:
    found = []
    for folder in sorted(p for p in Path(archive).glob("*/v*") if p.is_dir()):
        manifest = version_files(folder) / MANIFEST
        if not os.path.lexists(manifest):
            continue
        try:
            data = json.loads(read_regular_file(manifest, MAX_MANIFEST_BYTES))
            found.append(Published(folder, data if isinstance(data, dict) else {}))
        except (OSError, ValueError, RecursionError):
            found.append(Published(folder, {}))
    return found


def verify(archive: Path | str, t: Messages) -> dict[Path, list[Finding]]:
    """Recompute every hash: per version folder, the problems found (empty when intact). A folder
    a killed ``publish`` left half-written is listed too, with its own finding. An intact version
    published before versions were bags gets a warning that suggests ``archive bag``."""
    archive = Path(archive)
    if not archive.is_dir():
        raise ConfigError([t.finding("archive-missing", Severity.ERROR, file=str(archive))])
    folders = sorted(p for p in archive.glob("*/v*") if p.is_dir())
    report = {folder: verify_version(folder, t) for folder in folders}
    for folder, problems in report.items():
        if not problems and not is_bag(folder):
            problems.append(t.finding("archive-not-bagged", Severity.WARNING, file=shown(str(folder))))
    for staging in sorted(archive.glob(f"*/{STAGING_GLOB}")):
        report[staging] = [t.finding("archive-unfinished", Severity.ERROR, file=shown(str(staging)))]
    return report


STAGING_GLOB = ".v*.part"  # publish's staging folder, renamed into place when whole
MAX_SUMS_BYTES = 1024 * 1024
MAX_VERSION_FILE_BYTES = 512 * 1024 * 1024  # the largest file of a version that is hashed
_DIGEST = re.compile(r"[0-9a-f]{64}")
Problem = Callable[..., Finding]


def verify_version(folder: Path, t: Messages) -> list[Finding]:
    """What is wrong with one published version: a bag, what the bagit library finds (:func:`validate_bag`),
    then reportgen's own checks of its payload (a file either names is named once); a version
    published before versions were bags, reportgen's own checks of its folder."""
    if not is_bag(folder):
        return _verify_files(folder, t)
    found = validate_bag(folder, t)
    named = {finding.file for finding in found}
    return found + [finding for finding in _verify_files(folder / BAG_PAYLOAD, t) if finding.file not in named]


def _verify_files(folder: Path, t: Messages) -> list[Finding]:
    """reportgen's own checks of a version's files. Every file in the folder must be listed in
    SHA256SUMS with its hash; the manifest must be listed there and name every other file listed
    (the PDF, its data) with the same hash; and the inputs the PDF carries must be the manifest's."""
    def problem(code: str, file: str, **params: Any) -> Finding:
        return t.finding(code, Severity.ERROR, file=shown(str(folder / file)), **params)

    try:
        listed = _read_sums(folder / SUMS)
    except (OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError):
            return [problem("archive-file-missing", SUMS)]
        return [problem("archive-sums", SUMS, detail=t(f"read_problems.{read_problem(exc)}"))]
    problems = _hashes(folder, listed, problem, t)
    problems += [problem("archive-file-unlisted", name) for name in _unlisted(folder, listed)]
    if problems:
        return problems
    try:
        manifest = json.loads(read_regular_file(folder / MANIFEST, MAX_MANIFEST_BYTES))
        named = _manifest_files(manifest)
        inputs = [(str(e["role"]), str(e["path"]), str(e["sha256"])) for e in manifest["inputs"]]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        return [problem("archive-manifest", MANIFEST, detail=t(f"read_problems.{read_problem(exc)}"))]
    problems = [problem("archive-manifest-sums", name) for name, digest in named.items() if listed.get(name) != digest]
    problems += [problem("archive-file-unvouched", name) for name in listed if name not in named and name != MANIFEST]
    if problems:
        return problems
    return _embedded(folder / manifest["pdf"]["file"], inputs, problem, t)


def _plain_name(name: object) -> bool:
    """A name inside a version folder: relative, no ``..``, no backslash, no control character."""
    return (isinstance(name, str) and bool(name) and "\\" not in name and "\x00" not in name
            and all(part not in ("", ".", "..") for part in name.split("/")))


def _read_sums(path: Path) -> dict[str, str]:
    """SHA256SUMS (sha256sum's format): file name -> hash, each line checked."""
    listed: dict[str, str] = {}
    for line in read_regular_file(path, MAX_SUMS_BYTES).decode("utf-8").splitlines():
        digest, separator, name = line.partition("  ")
        if not separator or not _DIGEST.fullmatch(digest) or not _plain_name(name) or name in listed:
            # the text is never shown (read_problem words any ValueError as "format"): a mutant of it cannot show
            raise ValueError(line[:80])  # pragma: no mutate
        listed[name] = digest
    return listed


def _hashes(folder: Path, listed: dict[str, str], problem: Problem, t: Messages) -> list[Finding]:
    found = []
    for name, digest in listed.items():
        try:
            if file_sha256(folder / name, MAX_VERSION_FILE_BYTES) != digest:
                found.append(problem("archive-file-changed", name))
        except FileNotFoundError:
            found.append(problem("archive-file-missing", name))
        except OSError as exc:
            found.append(problem("archive-file-unreadable", name, detail=t(f"read_problems.{read_problem(exc)}")))
    return found


def _unlisted(folder: Path, listed: dict[str, str]) -> list[str]:
    """Every file (or link) in the folder that SHA256SUMS does not list."""
    names = []
    for root, dirs, files in os.walk(folder):
        here = Path(root).relative_to(folder)
        links = [d for d in dirs if Path(root, d).is_symlink()]  # listed, never followed
        names += [(here / name).as_posix() for name in files + links]
    return sorted(name for name in names if name != SUMS and name not in listed)


def _manifest_files(manifest: Any) -> dict[str, str]:
    """The files a manifest names, with their hashes: the PDF and the edition's data."""
    named = {manifest["pdf"]["file"]: manifest["pdf"]["sha256"]}
    named.update({entry["path"]: entry["sha256"] for entry in manifest.get("data", [])})
    if not all(_plain_name(name) and isinstance(digest, str) for name, digest in named.items()):
        # the text is never shown (read_problem words any ValueError as "format"): a mutant of it cannot show
        raise ValueError("a file name in the manifest")  # pragma: no mutate
    return named


def _embedded(pdf: Path, inputs: list[tuple[str, str, str]], problem: Problem, t: Messages) -> list[Finding]:
    """The inputs the PDF carries against the manifest's hashes of them."""
    try:
        embedded = {name: sha256(data) for name, (data, _) in read_attachments(pdf, t).items()}
    except ReportgenError as stop:
        return stop.findings
    problems = []
    for role, path, digest in inputs:
        if role == "template":  # built-in and own templates share names: the PDF's hash covers them
            continue
        if role == "style" and path not in embedded:
            continue  # published before the configuration's files were embedded: no fault
        if embedded.get(path) != digest:
            problems.append(problem("archive-embedded-changed", pdf.name, name=path))
    return problems


def extract(pdf: Path, out_dir: Path, t: Messages, *, force: bool = False) -> list[Path]:
    """Write every associated file of ``pdf`` into ``out_dir`` (names kept). Every target is checked
    before the first is written: nothing is written when a name would lead outside the folder, two
    names collide (``a`` and ``a/b``), a file is there already (unless ``force``) or a target is the
    PDF itself (never, even with ``force``)."""
    found = read_attachments(pdf, t)
    plan = _extract_plan(pdf, out_dir, {name: data for name, (data, _) in found.items()}, t, force)
    return write_all(plan, t)


def _extract_plan(pdf: Path, out_dir: Path, found: dict[str, bytes], t: Messages,
                  force: bool) -> list[tuple[Path, bytes]]:
    problems: list[Finding] = []
    plan: list[tuple[Path, bytes]] = []
    folders = {str(parent) for name in found for parent in PurePosixPath(name).parents}
    seen: set[Path] = set()
    for name, data in sorted(found.items()):
        try:
            target = inside(out_dir, name, t)
        except ReportgenError as stop:
            problems += stop.findings
            continue
        where = target.resolve()
        if name in folders or where in seen or _in_the_way(out_dir, target):
            problems.append(t.finding("extract-conflict", Severity.ERROR, file=shown(name)))
        elif target.exists() and target.samefile(pdf):
            problems.append(t.finding("output-is-input", Severity.ERROR, file=shown(str(target))))
        elif (target.exists() or target.is_symlink()) and not force:
            problems.append(t.finding("output-exists", Severity.ERROR, file=shown(str(target))))
        seen.add(where)
        plan.append((target, data))
    if problems:
        raise ConfigError(problems)
    return plan


def _in_the_way(out_dir: Path, target: Path) -> bool:
    """A file where a folder of ``target``'s path must be, or a folder where the file must be."""
    if target.is_dir():
        return True
    return any(parent.exists() and not parent.is_dir() for parent in target.parents
               if parent.is_relative_to(out_dir) and parent != out_dir)
