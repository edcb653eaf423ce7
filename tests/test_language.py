"""One place for words: every message key exists in every language, and a Danish report speaks
Danish in every command's output, an English one English."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.cli import cli
from reportgen.locales import Messages, MissingMessage, catalogue_keys
from reportgen.paths import locales_dir

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("da", "en")
# Words in code that would mean a sentence was written outside the locales (or a library's English
# leaked through): pydantic's, Python's and the old hard-coded CLI lines.
FOREIGN_TO_BOTH = ("Traceback", "String should", "Input should", "Field required", "Value error", "KeyError",
                   "ValueError", "Errno", "No such file")


def _catalogue(language: str) -> dict[str, str]:
    flat: dict[str, str] = {}

    def walk(node: dict, prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                flat[f"{prefix}{key}"] = str(value)

    walk(yaml.safe_load((locales_dir() / f"{language}.yaml").read_text(encoding="utf-8")), "")
    return flat


def test_every_language_has_the_same_keys():
    da, en = catalogue_keys("da"), catalogue_keys("en")
    assert sorted(da - en) == [] and sorted(en - da) == []


def test_every_key_the_code_and_templates_name_exists():
    pattern = re.compile(
        r"""\b(?:t|messages|self\.t|config\.messages|Messages\([^)]*\))\(\s*["']([a-z_]+\.[a-z0-9_.-]+)["']""")
    finding = re.compile(r"""(?:report|finding|problem)\(\s*["']([a-z]+(?:-[a-z0-9]+)+)["']""")
    sources = [*ROOT.joinpath("reportgen").rglob("*.py"), *ROOT.joinpath("reportgen").rglob("*.j2"),
               *ROOT.joinpath("templates").rglob("*.j2")]
    named, codes = set(), set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        named |= set(pattern.findall(text))
        codes |= set(finding.findall(text))
    assert len(named) > 60 and len(codes) > 40  # the patterns do find the code's keys
    keys = catalogue_keys("da")
    assert sorted(k for k in named if k not in keys) == []
    assert sorted(c for c in codes if f"findings.{c}.message" not in keys or f"findings.{c}.fix" not in keys) == []


def test_a_missing_key_fails_instead_of_printing_the_key(monkeypatch):
    monkeypatch.setenv("REPORTGEN_STRICT_MESSAGES", "1")
    with pytest.raises(MissingMessage):
        Messages("da")("cli.no_such_key")
    monkeypatch.delenv("REPORTGEN_STRICT_MESSAGES")
    assert Messages("da")("cli.no_such_key") == "cli.no_such_key"  # a user sees the key, never a traceback


def _fragments(language: str) -> set[str]:
    """Pieces of text (between placeholders) that only this language's catalogue has."""
    other = "en" if language == "da" else "da"
    theirs = " ".join(_catalogue(other).values())
    found = set()
    for text in _catalogue(language).values():
        for literal, *_ in string.Formatter().parse(text.replace("{{", "").replace("}}", "")):
            for piece in re.split(r"[\n:;()'\"→]", literal or ""):
                piece = piece.strip(" .,")
                if len(piece) >= 9 and piece not in theirs and " " in piece:
                    found.add(piece)
    return found


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _session(folder: Path, tmp: Path, language: str) -> list[tuple[str, int, str]]:
    """Every command, on a report in ``language``: the happy paths and the common stops."""
    config = str(folder / "report.yaml")
    runs = [("new", *_run("new", str(folder), "--language", language))]
    archive, out = tmp / "archive", tmp / "out"
    for name, args in [
        ("check", ["check", "-c", config]), ("check-json", ["check", "-c", config, "--format", "json"]),
        ("check-person", ["check", "-c", config, "--by", "person"]),
        ("template", ["template", "-c", config, "--out", str(tmp / "blank.xlsx")]),
        ("sheets", ["sheets", "-c", config, "--out", str(tmp / "round"), "--mail"]),
        ("check-expect", ["check", "-c", config, "--expect", str(tmp / "round" / "round.json")]),
        ("build", ["build", "-c", config, "--out", str(out)]),
        ("publish", ["publish", "-c", config, "--archive", str(archive)]),
        ("publish-again", ["publish", "-c", config, "--archive", str(archive)]),
        ("archive-list", ["archive", "list", "-c", config, "--archive", str(archive)]),
        ("archive-verify", ["archive", "verify", "-c", config, "--archive", str(archive)]),
        ("archive-bag", ["archive", "bag", "-c", config, "--archive", str(archive)]),
        ("archive-verify-typo", ["archive", "verify", "-c", config, "--archive", str(tmp / "typo")]),
    ]:
        runs.append((name, *_run(*args)))
    runs.append(("diff", *_run("diff", "-c", config, str(next(archive.glob("*/v*"))))))
    pdf = next(out.glob("*/*.pdf"))
    runs.append(("extract", *_run("extract", str(pdf), "--out", str(tmp / "extracted"), "-c", config)))
    sheet = next((folder / "sheets").glob("*.xlsx"))
    wb = load_workbook(sheet)
    for name in ("rg_status", "rg_number"):
        dest_sheet, coord = next(iter(wb.defined_names[name].destinations))
        wb[dest_sheet][coord.replace("$", "")].value = "?"
    wb.save(sheet)
    runs.append(("check-errors", *_run("check", "-c", config)))
    runs.append(("build-refused", *_run("build", "-c", config, "--out", str(out))))
    text = Path(config).read_text(encoding="utf-8")
    Path(config).write_text(text.replace("themes:", "themes: [", 1), encoding="utf-8")
    runs.append(("check-yaml-error", *_run("check", "-c", config)))
    Path(config).write_text(text.replace("  version:", "  version: ../x\n  old_version:", 1), encoding="utf-8")
    runs.append(("check-invalid", *_run("check", "-c", config)))
    return runs


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_command_speaks_the_reports_language_only(tmp_path, language):
    runs = _session(tmp_path / "report", tmp_path, language)
    codes = {name: code for name, code, _ in runs}
    assert codes == {"new": 0, "check": 0, "check-json": 0, "check-person": 0, "template": 0, "sheets": 0,
                     "check-expect": 0, "build": 0, "publish": 0, "publish-again": 4, "archive-list": 0,
                     "archive-verify": 0, "archive-bag": 0, "archive-verify-typo": 2, "diff": 0, "extract": 0,
                     "check-errors": 1, "build-refused": 1, "check-yaml-error": 2, "check-invalid": 2}, runs
    foreign = _fragments("en" if language == "da" else "da")
    assert len(foreign) > 50
    own = Messages(language)
    for name, _, output in runs:
        leaks = sorted(f for f in foreign if f in output) + [w for w in FOREIGN_TO_BOTH if w in output]
        assert leaks == [], (name, output)
    by_name = {name: output for name, _, output in runs}
    assert own("cli.stopped") in by_name["build-refused"]
    assert own("cli.published", path="").strip() in by_name["publish"]
    assert own("cli.verify_ok", path="").strip(" :") in by_name["archive-verify"]
    assert own("cli.bag_already", path="").strip(" :") in by_name["archive-bag"]
    assert "report.version" in by_name["check-invalid"]
