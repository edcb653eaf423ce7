"""The archive: one folder per published version, never overwritten, verifiable.

    archive/2017/v2.6.2017/status-paa-handlingskatalog-2017-v2.6.2017.pdf
                           manifest.json   edition, version, date, versions, hashes, check summary
                           SHA256SUMS      the PDF and the manifest, in sha256sum's format
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .. import __version__
from ..configuration import Config, ReportMeta
from ..locales import Messages
from ..paths import read_regular_file, template_files
from ..pdf.attachments import read_attachments, source_name
from ..pipeline import Edition, load, make_edition
from ..problems import AlreadyPublished, ConfigError, Finding, Severity, read_problem
from ..progress import Progress, silent
from ..render import template_dirs
from ..writers import inside

DEFAULT_ARCHIVE = Path("archive")
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def version_dir(archive: Path, report: ReportMeta, t: Messages) -> Path:
    """``archive/<edition>/v<version>``, never outside the archive."""
    return inside(inside(Path(archive), report.edition, t), f"v{report.version}", t)


def publish(config: Config | Path | str | None = None, archive: Path | str = DEFAULT_ARCHIVE, *,
            warnings: list[Finding] | None = None, strict: bool = False, progress: Progress = silent) -> Path:
    """Build and file the edition; refuse if this version is already in the archive."""
    config, warnings = load(config, warnings)
    report, t = config.report, config.messages
    target = version_dir(Path(archive), report, t)
    _refuse_if_published(target, report, t)
    edition = make_edition(config, warnings, strict=strict, progress=progress)
    _refuse_if_published(target, report, t)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    staging.chmod(0o755)
    try:
        _write_edition(staging, edition)
        os.rename(staging, target)  # atomic; fails if the version appeared meanwhile
    except OSError:
        _refuse_if_published(target, report, t)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _refuse_if_published(target: Path, report: ReportMeta, t: Messages) -> None:
    if target.exists():
        raise AlreadyPublished([t.finding("already-published", Severity.ERROR, file=str(target),
                                          title=report.title, version=report.version)])


def _write_edition(folder: Path, edition: Edition) -> None:
    pdf_name = edition.config.report.pdf_name
    (folder / pdf_name).write_bytes(edition.pdf)
    manifest = (json.dumps(manifest_of(edition, pdf_name), ensure_ascii=False, indent=2) + "\n").encode()
    (folder / MANIFEST).write_bytes(manifest)
    sums = f"{sha256(edition.pdf)}  {pdf_name}\n{sha256(manifest)}  {MANIFEST}\n"
    (folder / SUMS).write_text(sums, encoding="utf-8")
    for path in folder.iterdir():
        path.chmod(0o444)  # read-only: a published version is not edited


def manifest_of(edition: Edition, pdf_name: str) -> dict[str, Any]:
    import weasyprint

    report, result = edition.config.report, edition.outcome.result
    return {
        "format": "reportgen-manifest/1",
        "title": report.title, "edition": report.edition, "version": report.version,
        "date": report.date.isoformat(), "organisation": report.organisation,
        "made_with": {"reportgen": __version__, "weasyprint": weasyprint.__version__},
        "pdf": {"file": pdf_name, "sha256": sha256(edition.pdf), "bytes": len(edition.pdf), "pages": edition.pages},
        "actions": len(edition.outcome.catalogue.actions),
        "inputs": _inputs(edition),
        "check": {"errors": len(result.errors), "warnings": len(result.warnings),
                  "findings": [f.to_dict() for f in result.sorted()]},
    }


def _inputs(edition: Edition) -> list[dict[str, str]]:
    """Every file the edition was made from: configuration, sheets, templates and assets, and
    the files the configuration names (font, logo, pictures)."""
    config_file = edition.config.source_file
    entries = [{"role": "configuration", "path": config_file.name, "sha256": sha256(config_file.read_bytes())}]
    entries += [{"role": "sheet", "path": f"sheets/{name}", "sha256": sha256(path.read_bytes())}
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
    folder: Path
    manifest: dict[str, Any]


MAX_MANIFEST_BYTES = 16 * 1024 * 1024


def editions(archive: Path | str = DEFAULT_ARCHIVE) -> list[Published]:
    found = []
    for manifest in sorted(Path(archive).glob(f"*/v*/{MANIFEST}")):
        try:
            data = json.loads(read_regular_file(manifest, MAX_MANIFEST_BYTES))
            found.append(Published(manifest.parent, data if isinstance(data, dict) else {}))
        except (OSError, ValueError, RecursionError):
            found.append(Published(manifest.parent, {}))
    return found


def verify(archive: Path | str, t: Messages) -> dict[Path, list[Finding]]:
    """Recompute every hash: per version folder, the problems found (empty when intact)."""
    archive = Path(archive)
    if not archive.is_dir():
        raise ConfigError([t.finding("archive-missing", Severity.ERROR, file=str(archive))])
    folders = sorted(p for p in archive.glob("*/v*") if p.is_dir())
    return {folder: verify_version(folder, t) for folder in folders}


def verify_version(folder: Path, t: Messages) -> list[Finding]:
    """What is wrong with one published version: files missing or changed, against SHA256SUMS,
    the manifest and the inputs the PDF carries."""
    def problem(code: str, file: str, **params: Any) -> Finding:
        return t.finding(code, Severity.ERROR, file=str(folder / file), **params)

    if not (folder / SUMS).is_file():
        return [problem("archive-file-missing", SUMS)]
    problems = []
    for line in (folder / SUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = folder / name
        if not path.is_file():
            problems.append(problem("archive-file-missing", name))
        elif sha256(path.read_bytes()) != digest:
            problems.append(problem("archive-file-changed", name))
    if problems:
        return problems
    try:
        manifest = json.loads(read_regular_file(folder / MANIFEST, MAX_MANIFEST_BYTES))
        pdf = folder / manifest["pdf"]["file"]
        pdf_digest = manifest["pdf"]["sha256"]
        inputs = list(manifest["inputs"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        return [problem("archive-manifest", MANIFEST, detail=t(f"read_problems.{read_problem(exc)}"))]
    if not pdf.is_file() or sha256(pdf.read_bytes()) != pdf_digest:
        return [problem("archive-pdf-manifest", pdf.name)]
    embedded = {name: sha256(data) for name, (data, _) in read_attachments(pdf, t).items()}
    for entry in inputs:
        if entry["role"] == "template":  # built-in and own templates share names: the PDF's hash covers them
            continue
        if entry["role"] == "style" and entry["path"] not in embedded:
            continue  # published before the configuration's files were embedded: no fault
        if embedded.get(entry["path"]) != entry["sha256"]:
            problems.append(problem("archive-embedded-changed", pdf.name, name=entry["path"]))
    return problems


def extract(pdf: Path, out_dir: Path, t: Messages) -> list[Path]:
    """Write every associated file of ``pdf`` into ``out_dir`` (names kept, never outside it)."""
    written = []
    for name, (data, _) in sorted(read_attachments(pdf, t).items()):
        target = inside(out_dir, name, t)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written
