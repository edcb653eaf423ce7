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

import weasyprint

from .. import __version__
from ..commands.build import Edition, make_edition
from ..config import load_config
from ..exceptions import ReportgenError
from ..paths import template_files
from ..progress import Progress, silent
from ..render import template_dirs
from .attachments import read_attachments, source_name

DEFAULT_ARCHIVE = Path("archive")
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


class AlreadyPublished(ReportgenError):
    exit_code = 4


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def version_dir(archive: Path, edition: str, version: str) -> Path:
    return Path(archive) / edition / f"v{version}"


def publish(config_path: Path | str | None = None, archive: Path | str = DEFAULT_ARCHIVE, *, strict: bool = False,
            progress: Progress = silent) -> Path:
    """Build and file the edition; refuse if this version is already in the archive."""
    report = load_config(config_path)[0].report
    target = version_dir(Path(archive), report.edition, report.version)
    _refuse_if_published(target, report)
    edition = make_edition(config_path, strict=strict, progress=progress)
    _refuse_if_published(target, report)
    progress.stage("write")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o755)
    try:
        _write_edition(staging, edition)
        os.rename(staging, target)  # atomic; fails if the version appeared meanwhile
    except OSError as exc:
        raise AlreadyPublished(f"could not file {target}: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _refuse_if_published(target: Path, report) -> None:
    if target.exists():
        raise AlreadyPublished(f"{report.title}, version {report.version}, is already published in {target}; "
                               "a published version is never changed: give the new one another version")


def _write_edition(folder: Path, edition: Edition) -> None:
    pdf_name = edition.config.report.pdf_name
    (folder / pdf_name).write_bytes(edition.pdf)
    manifest = (json.dumps(manifest_of(edition, pdf_name), ensure_ascii=False, indent=2) + "\n").encode()
    (folder / MANIFEST).write_bytes(manifest)
    sums = f"{sha256(edition.pdf)}  {pdf_name}\n{sha256(manifest)}  {MANIFEST}\n"
    (folder / SUMS).write_text(sums, encoding="utf-8")
    for path in folder.iterdir():
        path.chmod(0o444)  # read-only: a published version is not edited


def manifest_of(edition: Edition, pdf_name: str) -> dict:
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


def _inputs(edition: Edition) -> list[dict]:
    """Every file the edition was made from: configuration, sheets, templates and assets, and
    the files the configuration names (font, logo, pictures)."""
    entries = [{"role": "configuration", "path": edition.config_file.name,
                "sha256": sha256(edition.config_file.read_bytes())}]
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
    manifest: dict


def editions(archive: Path | str = DEFAULT_ARCHIVE) -> list[Published]:
    found = []
    for manifest in sorted(Path(archive).glob(f"*/v*/{MANIFEST}")):
        try:
            found.append(Published(manifest.parent, json.loads(manifest.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            found.append(Published(manifest.parent, {}))
    return found


def verify(archive: Path | str = DEFAULT_ARCHIVE) -> dict[Path, list[str]]:
    """Recompute every hash: per version folder, the problems found (empty when intact)."""
    report = {}
    for folder in sorted(p.parent for p in Path(archive).glob(f"*/v*/{SUMS}")) + _without_sums(Path(archive)):
        report[folder] = verify_version(folder)
    return report


def _without_sums(archive: Path) -> list[Path]:
    return sorted(p for p in archive.glob("*/v*") if p.is_dir() and not (p / SUMS).exists())


def verify_version(folder: Path) -> list[str]:
    problems = []
    sums = folder / SUMS
    if not sums.exists():
        return [f"{SUMS} is missing"]
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = folder / name
        if not path.exists():
            problems.append(f"{name} is missing")
        elif sha256(path.read_bytes()) != digest:
            problems.append(f"{name} has changed (SHA-256 differs)")
    if problems:
        return problems
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    pdf = folder / manifest["pdf"]["file"]
    if sha256(pdf.read_bytes()) != manifest["pdf"]["sha256"]:
        problems.append(f"{pdf.name} differs from the manifest")
    embedded = {name: sha256(data) for name, (data, _) in read_attachments(pdf).items()}
    for entry in manifest["inputs"]:
        if entry["role"] == "template":  # built-in and own templates share names: the PDF's hash covers them
            continue
        if entry["role"] == "style" and entry["path"] not in embedded:
            continue  # published before the configuration's files were embedded: no fault
        if embedded.get(entry["path"]) != entry["sha256"]:
            problems.append(f"the embedded {entry['path']} differs from the manifest")
    return problems
