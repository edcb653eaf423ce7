"""Tests written from the survivors of `make mutate MODULES=checks` (bench/MUTATION.md): each fails
with the mutant it was written from. Fast: the small report's three sheets (actions 1, 7, 25),
changed with openpyxl, checked through ``check``."""

from __future__ import annotations

import yaml

from reportgen.checks import check
from reportgen.configuration import load_config
from reportgen.problems import Severity

from .conftest import set_cells


def with_config(report_dir, change):
    """The report folder's configuration, changed by ``change(data)`` and loaded again."""
    path = report_dir / "report.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_config(path)[0]


def findings(config, name=None):
    outcome = check(config)
    return [f for f in outcome.result.findings if name is None or f.file == name]


# --- check --------------------------------------------------------------------------------------


def test_check_says_each_sheet_it_reads_and_where_it_was(report_dir, config):
    seen: list[str] = []
    outcome = check(config, progress=seen.append)
    names = ["01.xlsx", "07.xlsx", "25.xlsx"]
    assert sorted(seen) == names
    assert outcome.paths == {name: report_dir / "sheets" / name for name in names}
    assert sorted(outcome.sheets) == names and outcome.sheets["07.xlsx"].file == "07.xlsx"


def test_no_sheets_names_where_none_were_found(report_dir, config, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (finding,) = check(config, [first, second]).result.findings
    assert (finding.code, finding.severity) == ("inputs-empty", Severity.ERROR)
    assert finding.message == f"Der er ingen standardark i {first}, {second}."
    for sheet in (report_dir / "sheets").iterdir():
        sheet.unlink()
    (finding,) = check(config).result.findings
    assert finding.message == f"Der er ingen standardark i {config.sheets_dir}."


# --- mentions -----------------------------------------------------------------------------------


def test_a_mark_not_named_lists_every_linked_field(report_dir):
    config = with_config(report_dir, lambda data: data["mentions"]["administrations"].update(
        fields=["adm_forankring", "interessenter", "involverede"]))
    set_cells(report_dir / "sheets" / "07.xlsx", rg_admin_boern="Interessent")
    (finding,) = [f for f in findings(config, "07.xlsx") if f.code == "administration-not-named"]
    assert finding.message.endswith("men nævnes ikke under Adm. forankring, Interessenter eller Involverede.")
