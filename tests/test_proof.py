"""The proof report: empty on the sample, and it finds every kind of defect a proof-reader marks
when a test document brings it back."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from click.testing import CliRunner

from reportgen.cli import cli
from reportgen.pdf.proof import excerpt
from reportgen.pipeline import load, make_edition

from .conftest import set_cells

LONG_WORD = "Erhvervsuddannelsesinstitutionssamarbejdsaftaleforhandlingsrundeevalueringsrapportudkast"
# The template's old bar (viewBox as wide as the widest theme, drawn already scaled): a bar's length
# grew with the square of its count.
OLD_BAR = """{% macro bar(counts, widest) %}{% set total = counts.values() | sum %}
<svg class="status-bar" viewBox="0 0 {{ widest * 10 }} 10" width="{{ 45 * (total / widest) if widest else 0 }}mm"
 height="4mm" preserveAspectRatio="none" aria-hidden="true" data-count="{{ total }}"><rect x="0" y="0"
 width="{{ total * 10 }}" height="10" fill="#888"/></svg>{% endmacro %}
<section class="summary" id="summary"><table>{% for group in groups %}<tr><td>
{{ bar(status_counts(group.actions), groups | map(attribute="actions") | map("length") | max) }}</td></tr>
{% endfor %}</table></section>
"""
STYLE = """<style>
  .action h3 { hyphens: auto; }
  .hy { hyphens: auto; }
  .theme-subtitle { overflow-wrap: normal; hyphens: manual; }
</style>"""


def test_the_samples_proof_is_empty(sample_build, sample_text):
    assert sample_build.proof == []
    assert "CO₂-udledningen" in sample_text and "CO2" not in sample_text  # chemistry, in a font that has ₂


def test_the_proof_finds_each_defect_brought_back(report_dir, tmp_path):
    config_path = report_dir / "report.yaml"
    data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    data["front_matter"] = [{"heading": "Kort", "text": "Et afsnit."},
                            {"heading": "Næste side", "text": "Et afsnit mere.", "new_page": True}]
    data["hyphenation"] = {"Samarbejdsaftalerne": "Samarbejdsaftalerne"}  # listed: never to break
    data["themes"][1]["subtitle"] = LONG_WORD * 2  # too wide for the page, and not allowed to wrap
    config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    templates = report_dir / "templates"
    templates.mkdir()
    (templates / "_summary.html.j2").write_text(OLD_BAR, encoding="utf-8")
    (templates / "_parts.html.j2").write_text(_parts_with_style(), encoding="utf-8")
    shutil.copy(report_dir / "sheets" / "07.xlsx", report_dir / "sheets" / "08.xlsx")
    set_cells(report_dir / "sheets" / "08.xlsx", rg_number=8)  # a theme with two actions: bars of 1 and 2
    set_cells(report_dir / "sheets" / "07.xlsx",
              rg_title="Samarbejde om " + LONG_WORD[:40] + "erne",
              rg_field_maal=("Samarbejdsaftalerne " * 30) + "\n\n" + LONG_WORD * 2 + "\n\nTegnene 漢字.")
    config, warnings = load(config_path)
    edition = make_edition(config, warnings, pdf=False)
    codes = {f.code for f in edition.proof}
    assert codes == {"proof-underfilled", "proof-hyphenated", "proof-wrong-break", "proof-glyph",
                     "proof-figure", "proof-overflow"}, [f.message for f in edition.proof]
    glyphs = sorted(f.message for f in edition.proof if f.code == "proof-glyph")
    assert any("U+6F22" in m for m in glyphs) and any("U+5B57" in m for m in glyphs), glyphs
    assert all(re.fullmatch(r"page \d+", f.cell or "") and f.file == config.report.pdf_name for f in edition.proof)
    underfilled = [f for f in edition.proof if f.code == "proof-underfilled"]
    assert [f.cell for f in underfilled] == ["page 3"]  # the short front-matter page, not a part's end
    run = CliRunner().invoke(cli, ["proof", "-c", str(config_path)])
    assert run.exit_code == 1 and "s. 3" in run.output and "proof-figure" in run.output


# Each rule brings back one defect the proof must name (the sample had each of them once).
LAYOUT_DEFECTS = """<style>
  .responsibility .legend { break-after: page; }       /* the key parted from its matrix */
  .responsibility tbody:last-child tr:last-child { break-before: page !important; }  /* a matrix's last row alone */
  .overview .table-wrap::after { content: "x"; display: block; break-before: page; }  /* a head over no rows */
  .responsibility th.person { width: 3mm; }            /* a column narrower than its longest word */
  .toc li li a::after { content: "\\A . . . " target-counter(attr(href), page); white-space: pre-wrap; }
  .field-maal p + p { break-before: column; }          /* a field's one line alone at a column's foot */
  .field-tid p::before { content: ""; float: right; width: 75%; height: 1.2em; }  /* a line broken short */
  .field-milepaele { width: 12mm; hyphens: manual; }   /* a word too wide for its column */
</style>"""


def test_the_proof_names_each_layout_defect(report_dir):
    """The defects a proof-reader found in the sample's pages, each brought back by one rule, each
    named by the thing it is in (the table and its column, the contents entry, the action)."""
    templates = report_dir / "templates"
    templates.mkdir()
    (templates / "_parts.html.j2").write_text(_parts_with_style(LAYOUT_DEFECTS), encoding="utf-8")
    set_cells(report_dir / "sheets" / "07.xlsx", rg_field_maal="Kort.\n\nEn anden sætning, der følger efter.",
              rg_field_tid="Gennemførelsesperioden strækker sig over hele året og evalueres løbende.",
              rg_field_milepaele="Gennemførelsesperioden")
    config, warnings = load(report_dir / "report.yaml")
    edition = make_edition(config, warnings, pdf=False)
    found = {(f.code, f.action) for f in edition.proof}
    assert {("proof-legend-parted", None), ("proof-running-head", None), ("proof-narrow-column", None),
            ("proof-toc-number-alone", 1), ("proof-toc-number-alone", 7), ("proof-lone-line", 7),
            ("proof-loose-break", 7), ("proof-forced-break", 7),
            ("proof-table-tail", None)} <= found, [f.describe() for f in edition.proof]
    messages = {f.code: f.message for f in edition.proof}
    assert "'Ansvar og status'" in messages["proof-legend-parted"]
    narrow = messages["proof-narrow-column"]
    assert "'Ansvar og status'" in narrow and "'Ansvarlig'" in narrow, narrow
    forced = [f.message for f in edition.proof if f.code == "proof-forced-break"]
    assert any("'gennemførelsesperioden' (handling 7)" in m for m in forced), forced
    lone = [f.message for f in edition.proof if f.code == "proof-lone-line"]
    assert any("(handling 7): 'Mål: Kort.'" in m for m in lone), lone


def _parts_with_style(style: str = STYLE) -> str:
    """The built-in order of the report's parts, and a stylesheet that brings hyphenation back."""
    from reportgen.paths import default_templates_dir
    parts = (default_templates_dir() / "_parts.html.j2").read_text(encoding="utf-8")
    return parts + style


def test_statuses_that_print_as_one_grey_are_warned_about(tmp_path):
    from reportgen.configuration import load_config

    from .conftest import SAMPLE_CONFIG
    data = yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["statuses"][1]["colour"] = "#c4dfb8"  # nearly the grey of the first status' #bfe0b0
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, warnings = load_config(path)
    assert [(w.code, w.message.split(":")[0]) for w in warnings] == [("config-greyscale", "statuses[1].colour")]
    _, none = load_config(SAMPLE_CONFIG)
    assert none == []


def test_the_anchoring_mark_differs_from_the_interest_mark_by_more_than_case(sample_build):
    """In print: weight and size; on the web, also the meaning in words for screen readers."""
    from reportgen.pdf import lay_out
    from reportgen.pipeline import check_inputs, load
    from reportgen.render import render_html, template_dirs
    from reportgen.render.assets import Assets

    from .conftest import SAMPLE_CONFIG
    config, warnings = load(SAMPLE_CONFIG)
    outcome = check_inputs(config, warnings)
    small = type(outcome.catalogue)(config, [a for a in outcome.catalogue.actions if a.number in (23, 24)])
    assets = Assets(config, template_dirs(config))
    document = lay_out(render_html(small, assets=assets), assets.roots, assets.configured_files())
    styles = {}
    for page in document.pages:
        stack = [(page._page_box, "")]
        while stack:
            box, role = stack.pop()
            element = getattr(box, "element", None)
            classes = (element.get("class") or "").split() if element is not None else []
            if element is not None and element.tag == "td" and "mark" in classes:
                role = classes[-1]
            stack.extend((child, role) for child in getattr(box, "children", []))
            if type(box).__name__ == "TextBox" and role and box.text.strip():
                styles[role] = (box.style["font_weight"], box.style["font_size"])
    assert set(styles) == {"anchoring", "interest", "committee"}
    assert styles["anchoring"][0] >= styles["interest"][0] + 300 and styles["anchoring"][1] > styles["interest"][1]
    web = (sample_build.web / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<td class="mark anchoring"><span aria-hidden="true">X</span>'
                     r'<span class="visually-hidden">Administrativ forankring</span></td>', web)
    assert re.search(r'<td class="mark interest"><span aria-hidden="true">x</span>'
                     r'<span class="visually-hidden">Interessent</span></td>', web)


def test_the_preview_shows_the_proof_as_a_page(report_dir):
    from reportgen.preview.state import Preview
    preview = Preview(report_dir / "report.yaml")
    preview.rebuild()
    chunks = list(preview.proof_page())  # sent as it is made: the stages first, while the pages are laid out
    page = b"".join(chunks).decode("utf-8")
    assert "<h1>Korrektur" in page and ("Korrekturen fandt intet at rette." in page or "<table>" in page)
    assert "Sætter siderne op (WeasyPrint)" in page and "Færdig." in page
    working = next(n for n, chunk in enumerate(chunks) if "Siderne sættes".encode() in chunk)
    done = next(n for n, chunk in enumerate(chunks) if "Færdig.".encode() in chunk)
    assert working < done
    assert b'href="/proof"' in preview.files["index.html"]


@pytest.mark.parametrize(("text", "limit", "end", "quoted"), [
    ("kort tekst", 60, False, "kort tekst"),
    ("Bosætningskommune med attraktive boligområder og gode forbindelser", 40, False,
     "Bosætningskommune med attraktive…"),
    ("Bosætningskommune med attraktive boligområder og gode forbindelser", 40, True,
     "…boligområder og gode forbindelser"),
    ("a" * 150, 100, False, "a" * 100 + "…"),
])
def test_a_finding_quotes_whole_words_or_says_it_cut(text, limit, end, quoted):
    assert excerpt(text, limit, end=end) == quoted


def test_the_preview_gives_each_proof_finding_once_with_its_pages():
    from reportgen.locales import Messages
    from reportgen.preview.state import proof_items
    from reportgen.problems import Severity

    t = Messages("da")
    same = [t.finding("proof-running-head", Severity.WARNING, file="r.pdf", cell=f"page {page}", text="Oversigt")
            for page in (12, 13, 12)]
    other = t.finding("proof-forced-break", Severity.WARNING, file="r.pdf", cell="page 7", action=7, word="ord",
                      where="handling 7")
    items = proof_items([*same, other])
    assert [(item.finding.code, item.pages, item.finding.action) for item in items] == [
        ("proof-running-head", [12, 13], None), ("proof-forced-break", [7], 7)]
