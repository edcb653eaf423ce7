"""Tests written from the survivors of `make mutate MODULES=archive-store` (bench/MUTATION.md): the
archive's own functions (reportgen/archive/store.py) on an edition made in the test, without a build.

The edition is the small report checked as ``build`` checks it, with a one-page PDF made with pikepdf
that carries the same associated files a built PDF does (the data, the configuration, every sheet,
the report's own files); ``publish`` files it as it files a built one (``make_edition`` gives it back
in place of a WeasyPrint build: a build per mutant would take 20 s and more)."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
from pathlib import Path

import pikepdf
import pytest

from reportgen.archive import store
from reportgen.archive.store import editions, extract, publish, refuse_if_published, verify
from reportgen.checks import check
from reportgen.pdf.attachments import DATA_NAME, edition_data, report_files, sheet_name
from reportgen.pipeline import Edition
from reportgen.problems import AlreadyPublished, BuildError, ConfigError, Severity
from reportgen.progress import silent

MANIFEST_LIMIT = 16 * 2**20  # the largest manifest read (store.MAX_MANIFEST_BYTES, written out: a test of it)
SUMS_LIMIT = 2**20           # the largest SHA256SUMS read


def tiny_pdf(files: list[tuple[str, bytes, str]]) -> bytes:
    """A one-page PDF whose catalogue lists ``files`` (name, bytes, relationship) as associated files
    (/AF), as WeasyPrint writes them."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    specs = []
    for name, data, relationship in files:
        spec = pikepdf.AttachedFileSpec(pdf, data, filename=name)
        spec.obj.AFRelationship = pikepdf.Name("/" + relationship)
        specs.append(pdf.make_indirect(spec.obj))
    pdf.Root.AF = pikepdf.Array(specs)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def edition_of(config) -> Edition:
    outcome = check(config)
    files = [(DATA_NAME, edition_data(outcome.catalogue), "Data"),
             (config.source_file.name, config.source_file.read_bytes(), "Source")]
    files += [(sheet_name(config, name), path.read_bytes(), "Source") for name, path in sorted(outcome.paths.items())]
    files += [(name, path.read_bytes(), "Source") for name, path in report_files(config)]
    return Edition(config, outcome, "", tiny_pdf(files), 1, None)


@pytest.fixture
def edition(config, monkeypatch) -> Edition:
    """The small report's edition; ``publish`` files it (no build)."""
    made = edition_of(config)
    monkeypatch.setattr(store, "make_edition", lambda *args, **kwargs: made)
    return made


@pytest.fixture
def published(edition, tmp_path):
    """(archive, version folder) with the small report's edition published."""
    archive = tmp_path / "elsewhere" / "archive"  # not the default beside the configuration (tmp_path/archive)
    return archive, publish(edition.config, archive)


def writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture
def old_version(published):
    """The published version as versions were filed before they were bags: its own files in its
    folder (the bag's payload moved up), writable: (archive, version folder)."""
    archive, folder = published
    writable(folder)
    payload = folder.parent / "payload"
    (folder / "data").rename(payload)
    shutil.rmtree(folder)
    payload.rename(folder)
    return archive, folder


def codes(report: dict) -> dict[str, list[tuple[str, str]]]:
    """verify's report as {version folder's name: [(code, file's name)]}."""
    return {folder.name: [(f.code, Path(f.file).name) for f in found] for folder, found in report.items()}


# --- publish ------------------------------------------------------------------------------------


def test_publish_files_the_edition_as_a_read_only_bag(edition, published):
    archive, folder = published
    config = edition.config
    assert folder == archive / config.report.edition / f"v{config.report.version}"
    files = folder / "data"
    pdf_name = config.report.pdf_name
    assert (files / pdf_name).read_bytes() == edition.pdf
    assert (folder / "bagit.txt").is_file() and (files / "manifest.json").is_file()
    assert [p.name for p in archive.glob("*/.*")] == []  # no staging folder left
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755  # the version's folder itself: mkdtemp's 0o700 opened
    for path in folder.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o555 if path.is_dir() else 0o444), path
    data = sorted(p.relative_to(files).as_posix() for p in (files / "data").rglob("*") if p.is_file())
    sums = (files / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = [line.split("  ", 1)[1] for line in sums]
    assert (listed[0], sorted(listed[1:-1]), listed[-1]) == (pdf_name, data, "manifest.json") and len(data) == 4
    assert sums == [f"{store.sha256((files / name).read_bytes())}  {name}" for name in listed]
    assert codes(verify(archive, config.messages)) == {folder.name: []}


def test_the_manifest_says_what_was_published(edition, published):
    _, folder = published
    config, outcome = edition.config, edition.outcome
    manifest = json.loads((folder / "data" / "manifest.json").read_text(encoding="utf-8"))
    report = config.report
    assert manifest["format"] == "reportgen-manifest/1"
    assert (manifest["title"], manifest["edition"], manifest["version"], manifest["date"],
            manifest["organisation"]) == (report.title, report.edition, report.version, report.date.isoformat(),
                                          report.organisation)
    import weasyprint

    from reportgen import __version__
    assert manifest["made_with"] == {"reportgen": __version__, "weasyprint": weasyprint.__version__}
    raw = (folder / "data" / "manifest.json").read_bytes()
    assert raw == (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode() and "på".encode() in raw
    assert manifest["pdf"] == {"file": report.pdf_name, "sha256": store.sha256(edition.pdf),
                               "bytes": len(edition.pdf), "pages": 1}
    assert manifest["actions"] == len(outcome.catalogue.actions) == 3
    data = folder / "data"
    assert sorted(e["path"] for e in manifest["data"]) == sorted(
        p.relative_to(data).as_posix() for p in (data / "data").rglob("*") if p.is_file())
    assert all(e == {"path": e["path"], "sha256": store.sha256((data / e["path"]).read_bytes()),
                     "bytes": (data / e["path"]).stat().st_size} for e in manifest["data"])
    assert manifest["check"] == {"errors": 0, "warnings": 0, "findings": []}
    roles = [(e["role"], e["path"]) for e in manifest["inputs"]]
    assert roles[:4] == [("configuration", "report.yaml"), ("sheet", "sheets/01.xlsx"), ("sheet", "sheets/07.xlsx"),
                         ("sheet", "sheets/25.xlsx")]
    assert {role for role, _ in roles[4:]} == {"template"}
    from reportgen.render import template_dirs
    (root,) = template_dirs(config)
    assert [(e["path"], e["sha256"]) for e in manifest["inputs"][4:]] == [
        (f"templates/{p.relative_to(root).as_posix()}", store.sha256(p.read_bytes())) for p in sorted(
            p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.name != "__init__.py")]
    assert all(e["sha256"] == store.sha256((config.base_dir / e["path"]).read_bytes())
               for e in manifest["inputs"][:4])


def test_a_style_file_is_an_input_with_its_place_in_the_configuration(report_dir, config, monkeypatch, tmp_path):
    import yaml

    from reportgen.configuration import load_config

    data = yaml.safe_load((report_dir / "report.yaml").read_text(encoding="utf-8"))
    shutil.copyfile(config.base_dir / "report.yaml", report_dir / "logo.svg")
    (report_dir / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    data.setdefault("style", {})["logo"] = "logo.svg"
    (report_dir / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config = load_config(report_dir / "report.yaml")[0]
    made = edition_of(config)
    monkeypatch.setattr(store, "make_edition", lambda *args, **kwargs: made)
    folder = publish(config, tmp_path / "archive")
    manifest = json.loads((folder / "data" / "manifest.json").read_text(encoding="utf-8"))
    (style,) = [e for e in manifest["inputs"] if e["role"] == "style"]
    assert style == {"role": "style", "key": "style.logo", "path": "logo.svg",
                     "sha256": store.sha256((report_dir / "logo.svg").read_bytes())}


def test_publish_goes_beside_the_configuration_and_refuses_a_published_version(edition):
    config = edition.config
    folder = publish(config)
    assert folder == config.base_dir / "archive" / config.report.edition / f"v{config.report.version}"
    with pytest.raises(AlreadyPublished) as refused:
        refuse_if_published(config)
    (finding,) = refused.value.findings
    assert finding.code == "already-published" and finding.severity is Severity.ERROR
    assert finding.file == str(folder) and config.report.version in finding.message
    assert config.report.title in finding.message
    with pytest.raises(AlreadyPublished):
        publish(config, config.base_dir / "archive")
    assert refuse_if_published(config, config.base_dir / "other") == (
        config.base_dir / "other" / config.report.edition / f"v{config.report.version}")


def test_publish_files_a_second_version_beside_the_first_and_clears_a_killed_ones_parts(edition, published):
    archive, first = published
    config = edition.config
    stale = [first.parent / ".v9.abc.part", first.parent / ".v9.def.part"]
    stale[0].mkdir()
    (stale[0] / "half.pdf").write_bytes(b"half")
    stale[1].write_bytes(b"half")
    other = first.parent / ".v8.abc.part"  # another version's: not this publish's to clear
    other.mkdir()
    second = publish(config.model_copy(update={"report": config.report.model_copy(update={"version": "9"})}), archive)
    assert second == first.parent / "v9" and (second / "bagit.txt").is_file()
    assert [p.exists() for p in stale] == [False, False] and other.is_dir()
    assert {e.folder.name for e in editions(archive)} == {first.name, "v9"}


def test_a_failed_publish_leaves_nothing_and_names_the_version(edition, tmp_path, monkeypatch):
    config = edition.config
    archive = tmp_path / "archive"
    target = archive / config.report.edition / f"v{config.report.version}"
    seen = []

    def full_disk(folder, manifest, t):
        seen.append((folder, stat.S_IMODE(folder.stat().st_mode), sorted(p.name for p in folder.iterdir())))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "make_bag", full_disk)
    with pytest.raises(BuildError) as stop:
        publish(config, archive)
    (finding,) = stop.value.findings
    assert (finding.code, finding.file) == ("write-failed", str(target))
    assert finding.message == "Filen kan ikke skrives: disken er fuld (eller filen er større, end der er plads til)."
    ((folder, mode, names),) = seen
    assert folder.parent == target.parent and folder.name.startswith(f".{target.name}.")
    assert folder.name.endswith(".part") and mode == 0o755
    assert names == sorted([config.report.pdf_name, "data", "manifest.json", "SHA256SUMS"])
    assert list(target.parent.iterdir()) == []


def test_an_archive_that_cannot_be_made_names_the_version(edition, tmp_path):
    config = edition.config
    archive = tmp_path / "archive"
    archive.write_text("a file where the archive's folder must be")
    with pytest.raises(BuildError) as stop:
        publish(config, archive)
    (finding,) = stop.value.findings
    target = archive / config.report.edition / f"v{config.report.version}"
    assert (finding.code, finding.file) == ("write-failed", str(target))
    assert finding.message == "Filen kan ikke skrives: en fil eller mappe af samme navn står i vejen."


def test_a_failed_publish_is_said_in_the_reports_language(report_dir, tmp_path, monkeypatch):
    import yaml

    from reportgen.configuration import load_config

    data = yaml.safe_load((report_dir / "report.yaml").read_text(encoding="utf-8"))
    data["report"]["language"] = "en"
    (report_dir / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config = load_config(report_dir / "report.yaml")[0]
    made = edition_of(config)
    monkeypatch.setattr(store, "make_edition", lambda *args, **kwargs: made)
    (tmp_path / "file").write_text("in the way")
    with pytest.raises(BuildError) as stop:
        publish(config, tmp_path / "file")
    assert stop.value.findings[0].message.startswith("The file cannot be written")

    def full_disk(folder, manifest, t):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "make_bag", full_disk)
    with pytest.raises(BuildError) as stop:
        publish(config, tmp_path / "archive")
    assert stop.value.findings[0].message.startswith("The file cannot be written")


def test_a_version_published_meanwhile_is_refused_not_replaced(edition, tmp_path, monkeypatch):
    config = edition.config
    archive = tmp_path / "archive"
    target = archive / config.report.edition / f"v{config.report.version}"
    make_bag = store.make_bag

    def another_publish_first(folder, manifest, t):
        target.mkdir()
        (target / "theirs").write_text("x")
        make_bag(folder, manifest, t)

    monkeypatch.setattr(store, "make_bag", another_publish_first)
    with pytest.raises(AlreadyPublished):
        publish(config, archive)
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    assert [p.name for p in target.iterdir()] == ["theirs"]
    monkeypatch.setattr(store, "make_bag", make_bag)
    monkeypatch.setattr(store, "make_edition", lambda *args, **kwargs: target.mkdir(exist_ok=True) or edition)
    (target / "theirs").unlink()
    target.rmdir()
    with pytest.raises(AlreadyPublished):  # published while this one was built
        publish(config, archive)
    assert [p.name for p in target.iterdir()] == []


def test_publish_builds_with_what_it_is_given(config, monkeypatch, tmp_path):
    made = edition_of(config)
    calls = []

    def make_edition(*args, **kwargs):
        calls.append((args, kwargs))
        return made

    monkeypatch.setattr(store, "make_edition", make_edition)
    publish(config, tmp_path / "a")
    assert calls.pop() == ((config, []), {"strict": False, "progress": silent, "history": None, "changes_since": None,
                                          "changes": True})
    warning = config.messages.finding("archive-not-bagged", Severity.WARNING, file="x")
    history, since, progress = object(), tmp_path / "earlier", lambda *args: None
    publish(config, tmp_path / "b", warnings=[warning], strict=True, progress=progress, history=history,
            changes_since=since, changes=False)
    assert calls.pop() == ((config, [warning]), {"strict": True, "progress": progress, "history": history,
                                                 "changes_since": since, "changes": False})


def test_a_version_or_edition_that_leads_out_of_the_archive_is_refused_in_the_reports_language(config, tmp_path):
    for field, value in (("version", "/../../x"), ("edition", "../x")):
        report = config.report.model_copy(update={field: value})
        with pytest.raises(BuildError) as stop:
            refuse_if_published(config.model_copy(update={"report": report}), tmp_path / "archive")
        (finding,) = stop.value.findings
        assert finding.code == "path-outside" and finding.message.startswith("Navnet '")


# --- editions -----------------------------------------------------------------------------------


def test_editions_reads_each_versions_manifest(published, tmp_path):
    archive, folder = published
    (found,) = editions(archive)
    assert found.folder == folder and found.files == folder / "data"
    assert found.manifest == json.loads((folder / "data" / "manifest.json").read_bytes())
    other = archive / "2020"
    for name, text in (("v1", "[1, 2]"), ("v2", "{not json"), ("v3", None)):
        (other / name).mkdir(parents=True)
        if text is not None:
            (other / name / "manifest.json").write_text(text, encoding="utf-8")
    (other / "v4").write_text("a file, not a version")
    (other / "v5").mkdir()
    (other / "v5" / "manifest.json").symlink_to("/dev/zero")  # a link is read as no manifest, never followed
    (other / "v6").mkdir()
    (other / "v6" / "manifest.json").symlink_to("nowhere")  # … even one that leads nowhere
    assert [(e.folder.name, e.manifest) for e in editions(archive)] == [
        (folder.name, found.manifest), ("v1", {}), ("v2", {}), ("v5", {}), ("v6", {})]
    for name in ("v1", "v2", "v4", "v5", "v6"):
        (other / name).unlink() if name == "v4" else shutil.rmtree(other / name)
    manifest = other / "v3" / "manifest.json"
    manifest.write_text("[" * 100_000 + "]" * 100_000)  # too deep for Python's json
    assert [e.manifest for e in editions(archive)][1:] == [{}]
    head = '{"a": "'
    manifest.write_text(head + "x" * (MANIFEST_LIMIT - len(head) - 2) + '"}')  # as large as it may be
    assert len(editions(archive)[1].manifest["a"]) == MANIFEST_LIMIT - len(head) - 2
    manifest.write_text(head + "x" * (MANIFEST_LIMIT - len(head) - 1) + '"}')
    assert [e.manifest for e in editions(archive)][1:] == [{}]


# --- verify -------------------------------------------------------------------------------------


def test_verify_names_what_is_not_a_whole_version(published, config, tmp_path):
    archive, folder = published
    t = config.messages
    with pytest.raises(ConfigError) as missing:
        verify(tmp_path / "nowhere", t)
    assert [(f.code, f.file) for f in missing.value.findings] == [("archive-missing", str(tmp_path / "nowhere"))]
    staging = folder.parent / f".{folder.name}.x1.part"
    staging.mkdir()
    (folder.parent / ".w1.part").mkdir()  # not publish's
    report = verify(archive, t)
    assert codes(report) == {folder.name: [], staging.name: [("archive-unfinished", staging.name)]}
    assert report[staging][0].severity is Severity.ERROR


def test_an_intact_version_from_before_bags_gets_a_note(old_version, config):
    archive, folder = old_version
    report = verify(archive, config.messages)
    assert codes(report) == {folder.name: [("archive-not-bagged", folder.name)]}
    assert report[folder][0].severity is Severity.WARNING


def relist(folder: Path) -> None:
    """SHA256SUMS made again for the files it lists (after a test changed one)."""
    sums = folder / "SHA256SUMS"
    names = [line.split("  ", 1)[1] for line in sums.read_text(encoding="utf-8").splitlines()]
    sums.write_text("".join(f"{store.sha256((folder / n).read_bytes())}  {n}\n" for n in names), encoding="utf-8")


def change_manifest(folder: Path, change) -> None:
    manifest = json.loads((folder / "manifest.json").read_bytes())
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    relist(folder)


def found(archive: Path, config) -> list[tuple[str, str]]:
    (only,) = verify(archive, config.messages).values()
    assert all(f.severity is Severity.ERROR for f in only if f.code != "archive-not-bagged")
    return [(f.code, Path(f.file).name) for f in only]


def test_sums_missing_changed_unlisted_and_unreadable(old_version, config):
    archive, folder = old_version
    pdf = config.report.pdf_name
    (folder / "data" / "actions.csv").write_bytes(b"changed")
    (folder / "data" / "committees.csv").unlink()
    (folder / "extra.txt").write_text("x")
    (folder / "data" / "more").mkdir()
    (folder / "data" / "more" / "deep.txt").write_text("x")
    (folder / "link").symlink_to(folder / "data")  # a link to a folder is listed, never followed
    (folder / pdf).unlink()
    os.mkfifo(folder / pdf)  # a pipe is named, never read
    assert sorted(found(archive, config)) == sorted([
        ("archive-file-unreadable", pdf), ("archive-file-changed", "actions.csv"),
        ("archive-file-missing", "committees.csv"), ("archive-file-unlisted", "deep.txt"),
        ("archive-file-unlisted", "extra.txt"), ("archive-file-unlisted", "link")])
    (finding,) = [f for f in verify(archive, config.messages)[folder] if f.code == "archive-file-unreadable"]
    assert finding.file == str(folder / pdf) and "ikke en almindelig fil" in finding.message
    (folder / "SHA256SUMS").unlink()
    assert found(archive, config) == [("archive-file-missing", "SHA256SUMS")]


@pytest.mark.parametrize("line", [
    "0" * 64 + " x.txt",        # one space: not sha256sum's separator
    "0" * 63 + "  x.txt",       # not a digest
    "0" * 63 + "A  x.txt",
    "0" * 65 + "  x.txt",
    "0" * 64 + "  ../outside",
    "0" * 64 + "  /etc/passwd",
    "0" * 64 + "  data/./actions.csv",
    "0" * 64 + "  a\\b",
    "0" * 64 + "  a\x00b",
    "0" * 64 + "  ",
    "0" * 64 + "  manifest.json",       # listed twice
])
def test_a_sums_line_not_in_sha256sums_format_is_refused(old_version, config, line):
    archive, folder = old_version
    with (folder / "SHA256SUMS").open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    (finding,) = verify(archive, config.messages)[folder]
    assert (finding.code, finding.file) == ("archive-sums", str(folder / "SHA256SUMS"))
    t = config.messages
    assert finding.message == t.finding("archive-sums", Severity.ERROR, detail=t("read_problems.format")).message


def test_sums_too_large_or_not_text(old_version, config):
    archive, folder = old_version
    listed = (folder / "SHA256SUMS").read_bytes()
    (folder / "SHA256SUMS").write_bytes(listed + b"\xff\n")
    t = config.messages
    (finding,) = verify(archive, t)[folder]
    assert finding.message == t.finding("archive-sums", Severity.ERROR, detail=t("read_problems.encoding")).message
    # a line naming a file of a name too long to open, to make SHA256SUMS as long as it may be: read
    line = b"0" * 64 + b"  "
    long = b"x" * (SUMS_LIMIT - len(listed) - len(line) - 1)
    (folder / "SHA256SUMS").write_bytes(listed + line + long + b"\n")
    assert [code for code, _ in found(archive, config)] == ["archive-file-unreadable"]
    (folder / "SHA256SUMS").write_bytes(listed + line + long + b"x\n")
    (finding,) = verify(archive, t)[folder]
    assert finding.message == t.finding("archive-sums", Severity.ERROR, detail=t("read_problems.too_large")).message


@pytest.mark.parametrize("change", [
    lambda m: m.pop("inputs"),
    lambda m: m["pdf"].pop("file"),
    lambda m: m.update(inputs=[{"role": "sheet", "path": "x"}]),
    lambda m: m.update(data=[{"path": "../data/actions.csv", "sha256": "0" * 64}]),
    lambda m: m.update(data=[{"path": "data/actions.csv", "sha256": 7}]),
    lambda m: m.update(pdf=[1]),
])
def test_a_manifest_without_what_verify_needs_is_a_finding(old_version, config, change):
    archive, folder = old_version
    change_manifest(folder, change)
    assert found(archive, config) == [("archive-manifest", "manifest.json")]
    t = config.messages
    (finding,) = verify(archive, t)[folder]
    assert finding.message == t.finding("archive-manifest", Severity.ERROR, detail=t("read_problems.format")).message


def test_a_name_in_sums_may_hold_two_spaces(old_version, config):
    archive, folder = old_version
    with (folder / "SHA256SUMS").open("a", encoding="utf-8") as fh:
        fh.write("0" * 64 + "  two  spaces.txt\n")  # sha256sum's separator is the first two spaces
    assert found(archive, config) == [("archive-file-missing", "two  spaces.txt")]


def test_manifest_and_sums_must_name_the_same_files_alike(old_version, config):
    archive, folder = old_version
    pdf = config.report.pdf_name
    change_manifest(folder, lambda m: m["pdf"].update(sha256="0" * 64))
    assert found(archive, config) == [("archive-manifest-sums", pdf)]
    change_manifest(folder, lambda m: m["data"].pop())
    assert found(archive, config) == [("archive-manifest-sums", pdf), ("archive-file-unvouched", "datapackage.json")]


def test_the_pdfs_inputs_must_be_the_manifests(old_version, config):
    archive, folder = old_version
    pdf = config.report.pdf_name

    def inputs(change):
        def apply(manifest):
            manifest["inputs"] = [change(dict(e)) for e in manifest["inputs"]]
        return apply

    template = inputs(lambda e: {**e, "sha256": "0" * 64} if e["role"] == "template" else e)
    change_manifest(folder, template)
    assert found(archive, config) == [("archive-not-bagged", folder.name)]  # the PDF's hash covers the templates
    change_manifest(folder, lambda m: m["inputs"].append({"role": "style", "path": "logo.svg", "sha256": "0" * 64}))
    assert found(archive, config) == [("archive-not-bagged", folder.name)]  # published before styles were embedded
    change_manifest(folder, lambda m: m["inputs"].append({"role": "style", "path": "report.yaml", "sha256": "1"}))
    assert found(archive, config) == [("archive-embedded-changed", pdf)]
    change_manifest(folder, lambda m: m["inputs"].pop())
    change_manifest(folder, inputs(lambda e: {**e, "sha256": "0" * 64} if e["path"] == "sheets/07.xlsx" else e))
    (finding,) = verify(archive, config.messages)[folder]
    assert finding.code == "archive-embedded-changed" and "sheets/07.xlsx" in finding.message
    assert finding.file == str(folder / pdf)


def test_a_pdf_that_is_not_one_is_named(old_version, config):
    archive, folder = old_version
    (folder / config.report.pdf_name).write_bytes(b"%PDF-1.7 not really")
    change_manifest(folder, lambda m: m["pdf"].update(sha256=store.sha256(b"%PDF-1.7 not really")))
    assert found(archive, config) == [("edition-unreadable", config.report.pdf_name)]


def test_a_bag_names_each_damaged_file_once(published, config):
    archive, folder = published
    writable(folder)
    pdf = folder / "data" / config.report.pdf_name
    pdf.write_bytes(pdf.read_bytes() + b"\n")
    (folder / "data" / "stray.txt").write_text("x")
    names = [Path(f.file).name for f in verify(archive, config.messages)[folder]]
    assert sorted(set(names)) == sorted(names) and {pdf.name, "stray.txt"} <= set(names)


# --- extract ------------------------------------------------------------------------------------


def a_pdf(folder: Path, *names: str) -> Path:
    """A PDF in ``folder`` carrying a file of each name (its bytes: the name)."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "edition.pdf"
    pdf.write_bytes(tiny_pdf([(name, name.encode(), "Source") for name in names]))
    return pdf


def refused(pdf: Path, out: Path, config, force: bool = False) -> list[tuple[str, str]]:
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) if out.exists() else []
    with pytest.raises(ConfigError) as stop:
        if force:
            extract(pdf, out, config.messages, force=True)
        else:
            extract(pdf, out, config.messages)  # without force by default
    assert (sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) if out.exists() else []) == before
    return sorted((f.code, f.file) for f in stop.value.findings)


def test_extract_writes_every_file_back(edition, tmp_path):
    pdf = tmp_path / "edition.pdf"
    pdf.write_bytes(edition.pdf)
    out = tmp_path / "out"
    written = extract(pdf, out, edition.config.messages)
    config = edition.config
    assert sorted(p.relative_to(out).as_posix() for p in written) == sorted(
        [DATA_NAME, "report.yaml", "sheets/01.xlsx", "sheets/07.xlsx", "sheets/25.xlsx"]
        + [name for name, _ in report_files(config)])
    assert (out / "sheets" / "07.xlsx").read_bytes() == (config.base_dir / "sheets" / "07.xlsx").read_bytes()


def test_extract_refuses_names_that_collide_or_lead_out(config, tmp_path):
    out = tmp_path / "out"
    assert refused(a_pdf(tmp_path, "a", "a/b", "c"), out, config) == [("extract-conflict", "a")]
    assert [code for code, _ in refused(a_pdf(tmp_path, "../evil", "c"), out, config)] == ["path-outside"]
    # every name is looked at, before and after one that leads out
    assert [code for code, _ in refused(a_pdf(tmp_path, "a", "a/b", "z/../../evil", "zz/../../evil"), out, config)] \
        == ["extract-conflict", "path-outside", "path-outside"]
    out.mkdir()
    (out / "sub").write_text("a file where a folder must be")
    (out / "x").mkdir()  # a folder where a file must be
    (out / "d").mkdir()
    (out / "l").symlink_to(out / "d")  # l/y and d/y: the same file
    assert refused(a_pdf(tmp_path, "sub/deep/f", "x", "d/y", "l/y", "ok"), out, config) == [
        ("extract-conflict", "l/y"), ("extract-conflict", "sub/deep/f"), ("extract-conflict", "x")]
    assert extract(a_pdf(tmp_path, "x/f", "sub2/f", "d/y"), out, config.messages) == [
        out / "d/y", out / "sub2/f", out / "x/f"]


def test_extract_replaces_a_file_only_with_force_and_never_the_pdf(config, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "there").write_text("old")
    (out / "gone").symlink_to(out / "nowhere")
    pdf = a_pdf(tmp_path, "there", "gone", "new")
    assert refused(pdf, out, config) == [("output-exists", str(out / "gone")), ("output-exists", str(out / "there"))]
    extract(pdf, out, config.messages, force=True)
    assert (out / "there").read_text() == "there" and (out / "new").read_text() == "new"
    inner = a_pdf(out, "edition.pdf", "other")
    assert refused(inner, out, config, force=True) == [("output-is-input", str(out / "edition.pdf"))]


def test_extract_from_a_file_that_is_no_pdf_is_named_in_the_reports_language(config, tmp_path):
    (tmp_path / "edition.pdf").write_bytes(b"%PDF-1.7 not really")
    assert refused(tmp_path / "edition.pdf", tmp_path / "out", config) == [
        ("edition-unreadable", str(tmp_path / "edition.pdf"))]
    with pytest.raises(ConfigError) as stop:
        extract(tmp_path / "edition.pdf", tmp_path / "out", config.messages)
    assert stop.value.findings[0].message.startswith("Udgaven kan ikke læses")


def test_a_manifest_of_a_version_without_data_vouches_for_none(old_version, config):
    archive, folder = old_version
    change_manifest(folder, lambda m: m.pop("data"))
    assert sorted(found(archive, config)) == [("archive-file-unvouched", name) for name in sorted(
        p.name for p in (folder / "data").iterdir())]
