"""Every printed configured text against the report's fonts, the symbols the bundled fonts cover, and
short names in the matrix heads spelt out (a legend in print, <abbr title> on the web)."""

from __future__ import annotations

import re
import shutil

import pytest

from reportgen.configuration import load_config
from reportgen.configuration.glyphs import font_files, missing_glyphs
from reportgen.configuration.reference import COMMON_SYMBOLS, _cmap
from reportgen.model import Action, Catalogue, Role
from reportgen.problems import ConfigError
from reportgen.render import WEB, render_html
from reportgen.render.assets import Assets

from .conftest import ROOT
from .test_round_next import CONFIG_2018, write_config

# What people reach for as status symbols (the list): each must print.
REACHED_FOR = "✓✔✗✘⏸⏳⌛→↑↓●○◐◑"


def test_the_bundled_fonts_draw_the_symbols_people_reach_for(tmp_path):
    config, _ = load_config(write_config(tmp_path / "rapport"))
    covered = set().union(*(_cmap(str(font), 0, 0) for font in font_files(config)))
    assert [ch for ch in REACHED_FOR + COMMON_SYMBOLS if ord(ch) not in covered] == []


def test_a_symbol_no_font_has_is_an_error_with_key_line_code_point_and_fonts(tmp_path):
    text = CONFIG_2018.replace('symbol: "⏸"', 'symbol: "✅"')
    with pytest.raises(ConfigError) as stop:
        load_config(write_config(tmp_path / "rapport", text))
    (finding,) = stop.value.findings
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "✅" in row)
    assert finding.code == "config-glyph-missing" and finding.cell == f"line {line}"
    assert finding.message == ("statuses[2].symbol: tegnet '✅' (U+2705) findes ikke i rapportens skrifter "
                               "(OpenSans-Regular.ttf, DejaVuSans-Symbols.ttf, NotoSansSymbols2-Subset.ttf); "
                               "det ville blive trykt som ingenting.")


def test_every_printed_text_is_checked_not_only_symbols(tmp_path):
    text = CONFIG_2018.replace("heading: Sundhed,", "heading: Sundhed 🍎,").replace(
        "name: Staben, short: ST", "name: Staben, short: \"ST\u2009\U0001F4BC\"")
    text += "cover:\n  text: |\n    Velkommen ❤\n\n    Hilsen\nlabels:\n  report.legend: \"Forklaring ⚡\"\n" \
            "  cli.written: \"PDF 🎉 {path}\"\n"
    with pytest.raises(ConfigError) as stop:
        load_config(write_config(tmp_path / "rapport", text))
    found = sorted(re.match(r"([^:]+):", f.message)[1] for f in stop.value.findings)
    # ❤ and ⚡ are in the bundled symbol fonts; a thin space is nothing to draw; cli.* is not printed
    assert found == ["administrations[2].short", "themes[2].heading"]


def test_the_configured_text_font_is_the_one_tried(tmp_path):
    folder = tmp_path / "rapport"
    (folder / "fonts").mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "assets" / "fonts" / "DejaVuSans-Symbols.ttf", folder / "fonts" / "Sym.ttf")
    text = CONFIG_2018.replace("  language: da\n", "  language: da\nstyle:\n  font: {regular: fonts/Sym.ttf}\n")
    with pytest.raises(ConfigError) as stop:
        load_config(write_config(folder, text))
    assert stop.value.findings[0].code == "config-glyph-missing"
    assert "(Sym.ttf, DejaVuSans-Symbols.ttf, NotoSansSymbols2-Subset.ttf)" in stop.value.findings[0].message
    config, _ = load_config(write_config(tmp_path / "ok"))
    assert missing_glyphs(config) == []


def test_the_sample_and_the_starters_print_with_their_fonts(sample_config, tmp_path):
    assert missing_glyphs(sample_config) == []
    from reportgen.starter import languages, new_report
    for language in languages():
        load_config(new_report(tmp_path / language, language=language))  # raises on a missing glyph


# --- short names in the matrix heads ---------------------------------------------------------------------

@pytest.fixture
def catalogue_2018(tmp_path):
    config, _ = load_config(write_config(tmp_path / "rapport"))
    action = Action(number=1, title="Kystsikring", theme=1, status="pause", responsible="Carl Berg",
                    committees=("oeu", "pmu"), roles={"tm": Role.ANCHORING, "st": Role.INTEREST},
                    texts={"formaal": "At sikre kysten.", "fremdrift": "Godt i gang.", "budget": ""})
    return Catalogue(config, [action])


def test_short_heads_are_spelt_out_under_the_matrix_in_print(catalogue_2018):
    html = render_html(catalogue_2018)
    assert '<abbr title="Økonomiudvalget">ØU</abbr>' in html and '<abbr title="Teknik og Miljø">TM</abbr>' in html
    legend = " · ".join(f"<strong>{s}</strong> = {n}" for s, n in
                        (("ØU", "Økonomiudvalget"), ("PMU", "Plan- og Miljøudvalget"),
                         ("BSU", "Børne- og Skoleudvalget"), ("EU", "Erhvervsudvalget")))
    assert re.sub(r'</?span[^>]*>', "", legend) in re.sub(r'</?span[^>]*>', "", html)
    assert "<strong>ST</strong> = Staben" in html


def test_short_heads_are_abbr_with_their_full_name_on_the_web(catalogue_2018):
    config = catalogue_2018.config
    html = render_html(catalogue_2018, WEB, assets=Assets(config, [ROOT / "templates"], web=True), pdf_link="x.pdf")
    heads = re.findall(r'<th scope="col" class="mark">(.*?)</th>', html)
    assert heads == [f'<abbr title="{item.name}">{item.short}</abbr>'
                     for item in (*config.committees, *config.administrations)]


def test_without_short_names_the_heads_are_the_names_and_no_legend(sample_catalogue):
    html = render_html(sample_catalogue)
    assert "<abbr" not in html and 'class="abbreviations"' not in html and 'class="legend abbreviations"' not in html
    assert '<th scope="col" class="mark">Økonomiudvalget</th>' in html
