"""The configuration: typed, every problem at once with its key and line, unknown keys warned."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from reportgen.cli import cli
from reportgen.configuration import load_config
from reportgen.problems import ConfigError, Severity

from .conftest import SAMPLE_CONFIG


def write(tmp_path, text: str):
    path = tmp_path / "report.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def sample_data() -> dict:
    return yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))


def test_sample_config_loads_typed(sample_config):
    assert sample_config.report.version == "2.6.2017"
    assert sample_config.report.edition == "2017"
    assert [t.number for t in sample_config.themes] == [1, 2, 3, 4, 5]
    assert len(sample_config.committees) == 6 and len(sample_config.administrations) == 4
    assert sample_config.report.running == "STATUS PÅ HANDLINGSKATALOG 2017"
    assert sample_config.report.file_stem == "status-paa-handlingskatalog-2017-v2.6.2017"


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "report:\n  title: A\n  version: [1, 2\nthemes: []\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    (finding,) = info.value.findings
    assert finding.code == "config-yaml"
    assert finding.cell and finding.cell.startswith("line ")


def test_every_problem_at_once_with_key_and_line(tmp_path):
    data = sample_data()
    data["themes"][1]["colour"] = "blue"         # not a colour
    data["statuses"][0].pop("label")             # required
    data["fields"][2]["key"] = "Has Space"       # not a key
    data["report"]["date"] = "someday"           # not a date
    path = write(tmp_path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    by_key = {f.message.split(":")[0]: f for f in info.value.findings}
    assert set(by_key) == {"themes[1].colour", "statuses[0].label", "fields[2].key", "report.date"}
    lines = path.read_text(encoding="utf-8").splitlines()
    colour = by_key["themes[1].colour"]
    assert colour.code == "config-invalid" and colour.severity is Severity.ERROR
    assert "colour: blue" in lines[int(colour.cell.removeprefix("line ")) - 1]
    assert "date: someday" in lines[int(by_key["report.date"].cell.removeprefix("line ")) - 1]


def test_duplicate_keys_are_refused(tmp_path):
    data = sample_data()
    data["committees"][1]["key"] = data["committees"][0]["key"]
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, yaml.safe_dump(data, allow_unicode=True)))
    assert "oekonomi" in info.value.findings[0].message


def test_unknown_keys_are_warnings_with_line(tmp_path):
    text = SAMPLE_CONFIG.read_text(encoding="utf-8").replace("  place: Aabybro\n", "  place: Aabybro\n  plase: typo\n",
                                                             1)
    config, warnings = load_config(write(tmp_path, text))
    assert config.report.place == "Aabybro"
    (warning,) = warnings
    assert warning.severity is Severity.WARNING and warning.code == "config-unknown-key"
    assert "report.plase" in warning.message
    assert "plase: typo" in text.splitlines()[int(warning.cell.removeprefix("line ")) - 1]


def test_an_unknown_key_like_a_known_one_says_which_it_may_mean(tmp_path):
    """"color:" for "colour:": the warning's fix names the key of the same place it is most like
    (difflib against the schema's keys); a key like none says only to fix or remove it."""
    text = SAMPLE_CONFIG.read_text(encoding="utf-8").replace("    colour:", "    color:", 1)
    text = text.replace("  place: Aabybro\n", "  place: Aabybro\n  zzqq: 1\n", 1)
    _, warnings = load_config(write(tmp_path, text))
    fixes = {w.message: w.fix for w in warnings if w.code == "config-unknown-key"}
    assert fixes == {"Ukendt nøgle 'themes[0].color' ignoreres.":
                     "Mente du 'themes[0].colour'? Ret stavningen, eller fjern nøglen.",
                     "Ukendt nøgle 'report.zzqq' ignoreres.": "Ret stavningen, eller fjern nøglen."}


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml")
    assert info.value.findings[0].code == "config-unreadable"


def test_cli_config_error_exit_code_2_without_traceback(tmp_path):
    path = write(tmp_path, "report: [\n")
    run = CliRunner().invoke(cli, ["check", "--config", str(path)], catch_exceptions=False)
    assert run.exit_code == 2
    assert "config-yaml" in run.stderr and "Traceback" not in run.output
    assert run.stderr.splitlines()[0] == str(path) and run.stdout == ""


def test_messages_follow_the_report_language(tmp_path):
    data = sample_data()
    data["report"]["language"] = "en"
    data["themes"][0]["colour"] = "red"
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, yaml.safe_dump(data, allow_unicode=True)))
    assert info.value.findings[0].fix == "Fix the value in the configuration."


def test_the_configuration_is_found_like_mkdocs_finds_its_own(tmp_path, monkeypatch):
    """Without -c: report.yaml in the working folder (a folder `reportgen new` made), else
    inputs/report.yaml; -v says which one is used."""
    from reportgen.starter import new_report

    new_report(tmp_path / "plan", language="en")
    monkeypatch.chdir(tmp_path / "plan")
    run = CliRunner().invoke(cli, ["check", "-v"])
    assert run.exit_code == 0, run.output
    said = "".join(run.output.split())  # the log's lines are wrapped to the terminal's width
    assert f"Configuration:{tmp_path / 'plan' / 'report.yaml'}" in said
    (tmp_path / "plan" / "inputs").mkdir()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "report.yaml").write_bytes((tmp_path / "plan" / "report.yaml").read_bytes())
    run = CliRunner().invoke(cli, ["check", "-v"])
    assert f"Configuration:{tmp_path / 'inputs' / 'report.yaml'}" in "".join(run.output.split())
