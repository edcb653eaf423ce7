"""House style without code: the configuration's style, one overridden template, and `reportgen new`."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from PIL import Image

from reportgen.archive.store import publish, verify_version
from reportgen.cli import cli
from reportgen.configuration import load_config
from reportgen.locales import Messages
from reportgen.paths import default_templates_dir
from reportgen.pipeline import build
from reportgen.problems import ConfigError
from reportgen.starter import new_report

from .conftest import make_report_dir, pdftotext

MM = 72 / 25.4


def reportgen(*args: str):
    """A reportgen command, in this process: exit code, stdout and stderr."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _restyle(folder):
    """A municipality's look: own font, logo, cover and theme pictures, margins, running line,
    colours, and its own closing page as an overridden template."""
    brand = folder / "brand"
    brand.mkdir()
    shutil.copy(default_templates_dir() / "assets" / "fonts" / "OpenSans-Italic.ttf", brand / "Tekst.ttf")
    Image.new("RGB", (120, 40), "#7a1f3d").save(brand / "logo.png")
    Image.new("RGB", (400, 200), "#336699").save(brand / "forside.png")
    Image.new("RGB", (400, 150), "#2d6e46").save(brand / "tema 1.png")
    data = yaml.safe_load((folder / "report.yaml").read_text(encoding="utf-8"))
    data["style"] = {"brand": "#7a1f3d", "font": {"regular": "brand/Tekst.ttf"}, "font_size": "11pt",
                     "margins": {"left": "40mm", "right": "25mm"}, "logo": "brand/logo.png",
                     "running_line": "Byrådets status {edition}"}
    data["cover"]["image"] = "brand/forside.png"
    data["cover"]["image_alt"] = "Stranden ved Slettestrand"
    data["themes"][0]["image"] = "brand/tema 1.png"
    data["themes"][0]["image_alt"] = "Nye byggegrunde i Aabybro"
    data["themes"][0]["colour"] = "#5a2d82"
    (folder / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (folder / "templates").mkdir()
    (folder / "templates" / "_closing.html.j2").write_text(
        '<footer class="closing"><p class="own-closing">Udgivet af {{ report.organisation }}s kommunikation</p>'
        '</footer>\n', encoding="utf-8")


@pytest.fixture(scope="module")
def restyled(small_sheets, tmp_path_factory):
    """The small report in a municipality's own style, built once for the tests that read it."""
    folder = make_report_dir(tmp_path_factory.mktemp("restyled"), small_sheets)
    _restyle(folder)
    return build(folder / "report.yaml", tmp_path_factory.mktemp("out"))


def test_restyle_reaches_the_pdf(restyled):
    text = pdftotext(restyled.pdf)
    assert "Byrådets status 2017" in text                    # the running line
    assert "Udgivet af Jammerbugt Kommunes kommunikation" in text  # the overridden template
    with pikepdf.open(restyled.pdf) as pdf:
        embedded = {str(d.FontName).split("+")[1]: TTFont(io.BytesIO(d.FontFile2.read_bytes()))["name"].getDebugName(4)
                    for d in pdf.objects if isinstance(d, pikepdf.Dictionary) and "/FontFile2" in d}
        # Every face of the text font is the configured file (only a regular was given).
        assert {name: full for name, full in embedded.items() if name.startswith("Report-Sans")} == {
            "Report-Sans": "Open Sans Italic", "Report-Sans-Bold": "Open Sans Italic",
            "Report-Sans-Semi-Bold": "Open Sans Italic", "Report-Sans-Italic": "Open Sans Italic"}
    listing = subprocess.run(["pdfimages", "-list", str(restyled.pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    sizes = sorted((int(row.split()[0]), int(row.split()[3]), int(row.split()[4])) for row in listing)
    theme_page = sizes[-1][0]
    assert sizes == [(1, 120, 40), (1, 400, 200), (theme_page, 400, 150)]  # logo + picture on the cover, theme 1


def test_restyle_moves_the_margins(restyled):
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "5", "-l", "8", str(restyled.pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    lefts = [float(x) for x in re.findall(r'<word xMin="([\d.]+)"', bbox)]
    assert lefts and min(lefts) >= 40 * MM - 1


def test_restyle_reaches_the_web_edition(restyled):
    html = (restyled.web / "index.html").read_text(encoding="utf-8")
    assert 'class="own-closing"' in html
    assert "--brand: #7a1f3d" in html and ".theme-1 { --theme: #5a2d82; }" in html
    pictures = re.findall(r'<img class="(cover-logo|cover-image)" src="([^"]+)" alt="([^"]*)"', html)
    assert [(cls, alt) for cls, _, alt in pictures] == [("cover-logo", "Jammerbugt Kommune"),
                                                        ("cover-image", "Stranden ved Slettestrand")]
    for _, src, _ in pictures:
        assert (restyled.web / src).is_file()
    assert re.search(r'<img src="assets/own/[0-9a-f]{8}-tema_1.png" alt="Nye byggegrunde i Aabybro">', html)
    font = re.search(r'src: url\("(assets/own/[0-9a-f]{8}-Tekst.woff2)"\)', html)  # cut to the page, as WOFF2
    assert font and (restyled.web / font.group(1)).read_bytes()[:4] == b"wOF2"
    assert "file:" not in html


def test_a_restyled_edition_rebuilds_from_its_pdf_alone(restyled, tmp_path):
    """The archive's promise: the PDF carries every input, own font, pictures and templates too."""
    out = tmp_path / "extracted"
    run = reportgen("extract", str(restyled.pdf), "--out", str(out))
    assert run.exit_code == 0, run.output
    with pikepdf.open(restyled.pdf) as pdf:
        sources = {str(spec.UF) for spec in pdf.Root.AF if spec.AFRelationship == "/Source"}
    assert {"brand/Tekst.ttf", "brand/logo.png", "brand/forside.png", "brand/tema 1.png",
            "templates/_closing.html.j2"} <= sources
    folder = publish(out / "report.yaml", tmp_path / "archive")  # built again from the extracted folder
    assert next((folder / "data").glob("*.pdf")).read_bytes() == restyled.pdf.read_bytes()
    assert verify_version(folder, Messages("da")) == []
    manifest = json.loads((folder / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert {e["path"] for e in manifest["inputs"] if e["role"] == "style"} == {
        "brand/Tekst.ttf", "brand/logo.png", "brand/forside.png", "brand/tema 1.png"}


def test_files_outside_the_report_folder_keep_apart_in_the_archive(report_dir, tmp_path_factory):
    from reportgen.pdf.attachments import report_files

    shared = tmp_path_factory.mktemp("shared")
    font = default_templates_dir() / "assets" / "fonts" / "OpenSans-Regular.ttf"
    for face in ("a", "b"):
        (shared / face).mkdir()
        shutil.copy(font, shared / face / "Tekst.ttf")
    data = yaml.safe_load((report_dir / "report.yaml").read_text(encoding="utf-8"))
    data["style"]["font"] = {"regular": str(shared / "a" / "Tekst.ttf"), "italic": str(shared / "b" / "Tekst.ttf")}
    (report_dir / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    names = [name for name, _ in report_files(load_config(report_dir / "report.yaml")[0])]
    assert len(names) == 2 and len(set(names)) == 2
    assert all(re.fullmatch(r"external/[0-9a-f]{8}-Tekst\.ttf", name) for name in names)


def test_configured_files_must_exist(report_dir):
    config = report_dir / "report.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace('  brand: "#1f4e79"\n',
                                                                 '  brand: "#1f4e79"\n  logo: mangler/logo.png\n'),
                      encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    (finding,) = caught.value.findings
    assert finding.code == "config-file-missing" and "style.logo" in finding.message
    assert finding.cell and finding.cell.startswith("line ")


def test_pictures_need_a_description(report_dir):
    config = report_dir / "report.yaml"
    Image.new("RGB", (10, 10)).save(report_dir / "tema.png")
    config.write_text(config.read_text(encoding="utf-8").replace(
        '    colour: "#1f5f8b"\n', '    colour: "#1f5f8b"\n    image: tema.png\n', 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert "themes[0]" in caught.value.findings[0].message and "image_alt" in caught.value.findings[0].message


@pytest.mark.parametrize("line", ["Status {aar}", "{title.__class__}", "{version!r}", "Status {"])
def test_running_line_placeholders_are_checked(report_dir, line):
    config = report_dir / "report.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        '  brand: "#1f4e79"\n', f'  brand: "#1f4e79"\n  running_line: "{line}"\n'), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    (finding,) = caught.value.findings
    assert finding.code == "config-invalid" and "style.running_line" in finding.message


def test_low_contrast_colours_are_warned_about(report_dir):
    config = report_dir / "report.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace('colour: "#1f5f8b"', 'colour: "#9fd3ff"', 1),
                      encoding="utf-8")
    line = 1 + config.read_text(encoding="utf-8").splitlines().index('    colour: "#9fd3ff"')
    _, warnings = load_config(config)
    assert [(w.code, w.cell) for w in warnings][:1] == [("config-contrast", f"line {line}")]
    assert "themes[0].colour" in warnings[0].message


# --- reportgen new --------------------------------------------------------------------------


def test_new_report_folder_builds_at_once(tmp_path):
    folder = tmp_path / "rapport"
    run = reportgen("new", str(folder))
    assert run.exit_code == 0, run.output
    assert run.stdout.strip() == f"Ny rapportmappe: {folder}. Byg den med: reportgen build -c {folder / 'report.yaml'}"
    assert {p.name for p in folder.iterdir()} == {"report.yaml", "README.md", "standardark.xlsx", "sheets"}
    built = build(folder / "report.yaml", tmp_path / "out")
    assert built.result.findings == []
    text = pdftotext(built.pdf)
    assert "Eksempel på en handling" in text and "første punkt" in text
    assert (built.web / "index.html").is_file()


def test_new_report_in_english_builds_without_a_blank_page(tmp_path):
    folder = tmp_path / "report"
    run = reportgen("new", "--language", "en", str(folder))
    assert run.exit_code == 0, run.output
    assert run.stdout.startswith(f"New report folder: {folder}.")
    assert {p.name for p in folder.iterdir()} == {"report.yaml", "README.md", "standard-sheet.xlsx", "sheets"}
    assert [p.name for p in (folder / "sheets").iterdir()] == ["01-example.xlsx"]
    built = build(folder / "report.yaml", tmp_path / "out")
    assert built.result.findings == []
    text = pdftotext(built.pdf)
    assert "An example action" in text and "first point" in text and "Overview of actions" in text
    # Theme 2 has no action yet: its page is followed by the overview, not by an empty page.
    bodies = ["".join(line for line in pdftotext(built.pdf, "-f", str(n), "-l", str(n)).splitlines()
                      if "[ STATUS" not in line).strip() for n in range(1, built.pages + 1)]
    # cover, contents, front matter, summary, theme 1 (its opening and its action), theme 2, the two
    # matrices, the closing page
    assert all(bodies) and built.pages == 9


def test_new_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "noget.txt").write_text("x")
    run = reportgen("new", str(tmp_path))
    assert run.exit_code == 2 and "ikke tom" in run.stderr and "new-not-empty" in run.stderr
    assert (tmp_path / "report.yaml").exists() is False
    with pytest.raises(ConfigError) as info:
        new_report(tmp_path)
    assert [f.code for f in info.value.findings] == ["new-not-empty"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["noget.txt"]


def test_new_report_has_a_blank_sheet_for_its_configuration(tmp_path):
    config_path = new_report(tmp_path / "r")
    config, warnings = load_config(config_path)
    assert warnings == []
    from reportgen.checks import check

    outcome = check(config, [tmp_path / "r" / "standardark.xlsx"])
    assert any(f.code == "required-missing" for f in outcome.result.errors)  # blank: nothing filled in yet
