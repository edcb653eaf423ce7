"""Shared fixtures: the shipped sample, small report folders made from it, sheets written for real."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen.checks import check
from reportgen.commands.build import build
from reportgen.config import Config, load_config
from reportgen.sheets.template import write_template

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONFIG = ROOT / "inputs" / "report.yaml"


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


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def report_dir(tmp_path, sample_catalogue) -> Path:
    """A report folder with the sample's configuration and the sheets of actions 1, 7 and 25."""
    shutil.copy(SAMPLE_CONFIG, tmp_path / "report.yaml")
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    config, _ = load_config(tmp_path / "report.yaml")
    by_number = {a.number: a for a in sample_catalogue.actions}
    for number in (1, 7, 25):
        write_template(config, sheets / f"{number:02d}.xlsx", by_number[number])
    return tmp_path


@pytest.fixture
def config(report_dir) -> Config:
    return load_config(report_dir / "report.yaml")[0]


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
