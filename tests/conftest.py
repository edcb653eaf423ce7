"""Shared fixtures: the shipped sample, small report folders made from it, sheets written for real.

Building is what costs (WeasyPrint lays out every page), so a build that tests only read is made
once per session: ``sample_build`` (the full sample), ``small_build``, ``cli_build`` and
``small_archive`` (the three-action report of ``shared_report``). Tests that change files work on
copies (``report_dir``, ``copy_report``, ``copy_archive``). With pytest-xdist the tests that share
a build run on one worker (``BUILD_GROUPS``), so it is made once.
"""

from __future__ import annotations

import os

os.environ.setdefault("REPORTGEN_STRICT_MESSAGES", "1")  # a missing locale key fails, in child processes too

import dataclasses
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen.checks import check
from reportgen.configuration import Config, load_config
from reportgen.pipeline import build
from reportgen.sheets.template import write_template

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONFIG = ROOT / "inputs" / "report.yaml"
SMALL_ACTIONS = (1, 7, 25)

# With pytest-xdist (--dist loadgroup), the tests that use one of these builds run on one worker,
# which makes the build once: the fixture's group is added to every test that uses it.
BUILD_GROUPS = {"sample_build": "sample", "small_build": "small", "cli_build": "small", "small_archive": "archive",
                "restyled": "restyled", "print_build": "small"}  # print_build: test_print.py's, beside small_build


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Group the tests by the session build they use (``BUILD_GROUPS``), for --dist loadgroup.

    A worker tells the controller a test's group by a suffix on its node id (``…::test_x@sample``).
    pytest-xdist 3.8 sets it on the old ``_nodeid`` field, which pytest 9.2 no longer reads, so
    groups were silently split over the workers (pytest-dev/pytest-xdist#1386): after xdist's
    hook, the suffix is set where pytest 9.2 keeps the id, unless xdist did set it (an older
    pytest, a fixed xdist)."""
    for item in items:  # before xdist's hook, which reads the marks
        for name in sorted({BUILD_GROUPS[f] for f in item.fixturenames if f in BUILD_GROUPS}):
            item.add_marker(pytest.mark.xdist_group(name))
    result = yield
    if getattr(config.option, "loadgroup", False):  # set in xdist's workers under --dist loadgroup
        try:
            from _pytest.nodeid import coerce_node_id
        except ImportError:  # an older pytest: xdist's own suffix works there
            return result
        for item in items:
            groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                             for m in item.iter_markers("xdist_group")})
            suffix = "@" + "_".join(groups)
            if groups and hasattr(item, "_id") and not item.nodeid.endswith(suffix):
                item._id = coerce_node_id(item.nodeid + suffix)
    return result


@pytest.fixture(scope="session")
def sample_config() -> Config:
    config, warnings = load_config(SAMPLE_CONFIG)
    assert warnings == []
    return config


@pytest.fixture(scope="session")
def sample_catalogue(sample_config):
    outcome = check(sample_config)
    assert outcome.result.findings == [], [f.describe() for f in outcome.result.findings]
    return outcome.catalogue


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The full sample, built once for the whole session (it takes most of a minute)."""
    out = tmp_path_factory.mktemp("sample-build")
    return build(SAMPLE_CONFIG, out)


@pytest.fixture(scope="session")
def sample_text(sample_build) -> str:
    return pdftotext(sample_build.pdf)


_TEXTS: dict[tuple, str] = {}


def pdftotext(pdf: Path, *args: str) -> str:
    """pdftotext's text of a PDF, remembered per version of the file and options (the whole
    sample takes pdftotext seconds, and several tests read it the same way)."""
    stat = Path(pdf).stat()
    key = (str(Path(pdf).resolve()), args, stat.st_size, stat.st_mtime_ns)
    if key not in _TEXTS:
        _TEXTS[key] = subprocess.run(["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True,
                                     text=True).stdout
    return _TEXTS[key]


# --- The small report: the sample's configuration and the sheets of actions 1, 7 and 25 -----------


@pytest.fixture(scope="session")
def small_sheets(tmp_path_factory, sample_config) -> Path:
    """The sheets of actions 1, 7 and 25 (as the sample has them), written once; report folders
    copy their bytes."""
    folder = tmp_path_factory.mktemp("small-sheets")
    sample = [next(sample_config.sheets_dir.glob(f"{number:02d}-*.xlsx")) for number in SMALL_ACTIONS]
    outcome = check(sample_config, sample)  # three of the sample's sheets: a fraction of reading all fifty
    assert outcome.result.findings == [] and [a.number for a in outcome.catalogue.actions] == list(SMALL_ACTIONS)
    for action in outcome.catalogue.actions:
        write_template(sample_config, folder / f"{action.number:02d}.xlsx", action)
    return folder


def make_report_dir(folder: Path, sheets: Path) -> Path:
    """A report folder with the sample's configuration and copies of the small sheets."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE_CONFIG, folder / "report.yaml")
    (folder / "sheets").mkdir()
    for sheet in sorted(sheets.iterdir()):
        shutil.copyfile(sheet, folder / "sheets" / sheet.name)
    return folder


def digest(folder: Path) -> dict[str, str]:
    """Every file of a folder by its path, with its SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def report_dir(tmp_path, small_sheets) -> Path:
    """A report folder of its own (the test may change it): the sample's configuration and the
    sheets of actions 1, 7 and 25."""
    return make_report_dir(tmp_path, small_sheets)


@pytest.fixture
def config(report_dir) -> Config:
    return load_config(report_dir / "report.yaml")[0]


@pytest.fixture(scope="session")
def shared_report(tmp_path_factory, small_sheets):
    """The small report folder the session builds share. Never change it: copy it
    (``copy_report``). The teardown fails if a test changed it anyway."""
    folder = make_report_dir(tmp_path_factory.mktemp("shared-report"), small_sheets)
    before = digest(folder)
    yield folder
    assert digest(folder) == before, "a test changed the shared report folder; it must work on a copy"


@pytest.fixture(scope="session")
def shared_config(shared_report) -> Config:
    return load_config(shared_report / "report.yaml")[0]


@pytest.fixture
def copy_report(shared_report, tmp_path):
    """A byte-identical copy of the shared report folder, to change."""
    return shutil.copytree(shared_report, tmp_path / "report", copy_function=shutil.copyfile)


@pytest.fixture(scope="session")
def small_build(shared_report, tmp_path_factory):
    """The small report, built once through the library."""
    return build(shared_report / "report.yaml", tmp_path_factory.mktemp("small-build"))


@pytest.fixture(scope="session")
def cli_build(shared_report, tmp_path_factory):
    """The small report, built once end to end: ``python -m reportgen build`` in a process of its own.
    Returns the finished process and the output folder."""
    out = tmp_path_factory.mktemp("cli-build") / "out"
    run = subprocess.run([sys.executable, "-m", "reportgen", "build", "-c", str(shared_report / "report.yaml"),
                          "--out", str(out)], capture_output=True, text=True, encoding="utf-8")
    return run, out


@pytest.fixture(scope="session")
def small_archive(shared_report, tmp_path_factory):
    """An archive with the small report published once: (archive, version folder). Read only:
    tests that change it use ``copy_archive``."""
    from reportgen.archive.store import publish

    archive = tmp_path_factory.mktemp("small-archive") / "archive"
    folder = publish(shared_report / "report.yaml", archive)
    before = digest(archive)
    yield archive, folder
    assert digest(archive) == before, "a test changed the shared archive; it must work on a copy"


@pytest.fixture
def copy_archive(small_archive, tmp_path):
    """A copy of the shared archive (same bytes), to change: (archive, version folder)."""
    archive, folder = small_archive
    copy = shutil.copytree(archive, tmp_path / "archive", copy_function=shutil.copyfile)
    return copy, copy / folder.relative_to(archive)


@pytest.fixture
def old_archive(copy_archive):
    """``copy_archive`` with its version as ``publish`` filed it before versions were BagIt bags:
    the version's own files in its folder, not under data/ (the bag's payload is exactly that
    folder, byte for byte), read-only as publish left them: (archive, version folder)."""
    from reportgen.writers import remove_tree

    archive, folder = copy_archive
    payload = folder.parent / f".{folder.name}.payload"
    shutil.copytree(folder / "data", payload, copy_function=shutil.copyfile)
    remove_tree(folder)
    payload.rename(folder)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path == folder else 0o555 if path.is_dir() else 0o444)
    return archive, folder


def action_with(catalogue, number: int, **changes):
    action = next(a for a in catalogue.actions if a.number == number)
    return dataclasses.replace(action, **changes)


def set_cells(path: Path, **values) -> None:
    """Change named cells of a standard sheet, as an owner would in Excel: by name, not by row."""
    wb = load_workbook(path)
    for name, value in values.items():
        sheet, coord = next(iter(wb.defined_names[name].destinations))
        wb[sheet][coord.replace("$", "")].value = value
    wb.save(path)


def cell_of(path: Path, name: str) -> str:
    wb = load_workbook(path, read_only=True)
    _, coord = next(iter(wb.defined_names[name].destinations))
    wb.close()
    return coord.replace("$", "")
