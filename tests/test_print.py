"""The print shop's edition (``build --print``): PDF/X-4 with the FOGRA39 output intent, 3 mm bleed,
crop marks, a page count divisible by four, every font embedded; the screen edition unchanged; and
the proof's print checks, each shown on a document with its defect."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from reportgen.cli import cli
from reportgen.configuration import load_config
from reportgen.paths import default_templates_dir
from reportgen.pdf.printshop import BLEED_MM, padded
from reportgen.pipeline import check_inputs, edition_data, load, print_name

from .conftest import SAMPLE_CONFIG

BLEED_PT = Decimal(BLEED_MM) * 72 / Decimal("25.4")
PROFILE = default_templates_dir() / "assets" / "print" / "FOGRA39-reportgen.icc"


@pytest.fixture(scope="module")
def print_build(shared_report, tmp_path_factory):
    """The small report built once with ``build --print``: (CLI output, screen PDF, print PDF)."""
    out = tmp_path_factory.mktemp("print-build")
    run = CliRunner().invoke(cli, ["build", "-c", str(shared_report / "report.yaml"), "--out", str(out), "--print"])
    assert run.exit_code == 0, run.output
    folder = next(out.iterdir())
    return run.output, folder / f"{folder.name}.pdf", folder / f"{folder.name}-tryk.pdf"


def test_the_print_edition_is_pdf_x4_with_the_fogra39_output_intent(print_build):
    with pikepdf.open(print_build[2]) as pdf:
        assert pdf.docinfo["/GTS_PDFXVersion"] == "PDF/X-4" and pdf.pdf_version == "1.6"
        with pdf.open_metadata() as xmp:
            assert xmp["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        [intent] = pdf.Root.OutputIntents
        assert (intent.S, str(intent.OutputConditionIdentifier), str(intent.RegistryName)) == (
            "/GTS_PDFX", "FOGRA39", "http://www.color.org")
        assert intent.DestOutputProfile.N == 4 and intent.DestOutputProfile.read_bytes() == PROFILE.read_bytes()
        spaces = pdf.pages[0].Resources.ColorSpace
        assert spaces.DefaultRGB[0] == "/ICCBased"  # CSS colours (DeviceRGB) mean sRGB
        for font in _fonts(pdf):
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font.BaseFont
        assert all("/Annots" not in page.obj for page in pdf.pages)


def test_every_page_has_3_mm_of_bleed_and_crop_marks_and_the_count_divides_by_4(print_build):
    with pikepdf.open(print_build[2]) as pdf:
        pages = len(pdf.pages)
        assert pages % 4 == 0
        for page in pdf.pages:
            trim, bleed, media = (list(map(Decimal, page.obj[key])) for key in ("/TrimBox", "/BleedBox", "/MediaBox"))
            apart = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
            assert all(abs(side - BLEED_PT) < Decimal("0.01") for side in apart), apart
            assert media[0] < bleed[0] and media[3] > bleed[3]  # room outside the bleed for the marks
    with pikepdf.open(print_build[1]) as screen:
        extra = pages - len(screen.pages)
    assert 0 <= extra < 4
    # The blank pages come before the back cover, which stays last.
    text = [_text(print_build[2], n) for n in range(pages - extra, pages + 1)]
    assert text[:-1] == [""] * extra and "Jammerbugt Kommune" in text[-1], text
    # The crop marks: ink outside the bleed at the corners of a blank page, nothing inside its trim.
    grey = _grey(print_build[2], pages - 1 if extra else 2)
    dpi_mm = 72 / 25.4
    margin = round(8 * dpi_mm)  # the sheet reaches 8 mm past the trim
    inside = grey.crop((margin + 2, margin + 2, grey.width - margin - 2, grey.height - margin - 2))
    # WeasyPrint draws each mark on a trim line, from the sheet's edge to halfway to the trim
    mark = grey.crop((0, margin - 2, margin - round(BLEED_MM * dpi_mm) - 1, margin + 3))
    assert mark.getextrema()[0] < 128, "no crop mark at the top left corner, outside the bleed"
    if extra:
        assert inside.getextrema()[0] > 250, "a blank page with ink inside its trim"


def test_the_screen_edition_is_unchanged_by_the_print_edition(print_build, small_build):
    output, screen, _ = print_build
    assert screen.read_bytes() == small_build.pdf.read_bytes()
    assert "Trykudgave skrevet (PDF/X-4" in output and "proof-" not in output, output
    with pikepdf.open(screen) as pdf:
        assert "/OutputIntents" in pdf.Root and pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"


def test_a_build_folder_with_its_print_edition_still_reads_as_the_edition(print_build, shared_report):
    """``--from build/<name>/`` (diff, sheets, export) reads the screen PDF's data; the print edition
    beside it carries none and is not counted as a second PDF."""
    _, screen, printed = print_build
    assert printed.exists()
    config, _ = load(shared_report / "report.yaml")
    data = edition_data(screen.parent, config)
    assert [a["number"] for a in data["actions"]] == [a.number for a in check_inputs(config).catalogue.actions]


def test_the_print_edition_is_named_in_the_reports_language(tmp_path):
    config, _ = load_config(SAMPLE_CONFIG)
    assert print_name(config) == "status-paa-handlingskatalog-2017-v2.6.2017-tryk.pdf"
    data = yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["report"]["language"] = "en"
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    english, _ = load_config(path)
    assert print_name(english) == "status-paa-handlingskatalog-2017-v2.6.2017-print.pdf"


# The screen edition's band (to the trim, not into the bleed), brought back in the print edition.
NO_BLEED = ("<style>.theme-band { margin: -18mm -17mm 8mm -17mm !important;"
            " padding: 24mm 17mm 10mm !important; }</style>")


def test_the_print_checks_name_a_band_without_bleed_and_a_picture_of_too_few_pixels(report_dir):
    """A band that stops at the trim and a picture of too few pixels: each a finding of the print
    checks, on the page it is on."""
    from reportgen.pdf import lay_out
    from reportgen.pdf.preflight import print_proof
    from reportgen.pdf.printshop import GEOMETRY
    from reportgen.render import render_html, template_dirs
    from reportgen.render.assets import Assets

    Image.new("RGB", (60, 40), "#336699").save(report_dir / "cover.png")
    data = yaml.safe_load((report_dir / "report.yaml").read_text(encoding="utf-8"))
    data["cover"] |= {"image": "cover.png", "image_alt": "Et billede"}
    (report_dir / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (report_dir / "templates").mkdir()
    parts = (default_templates_dir() / "_parts.html.j2").read_text(encoding="utf-8")
    (report_dir / "templates" / "_parts.html.j2").write_text(parts + NO_BLEED, encoding="utf-8")
    config, warnings = load(report_dir / "report.yaml")
    catalogue = check_inputs(config, warnings).catalogue
    assets = Assets(config, template_dirs(config))
    html = render_html(catalogue, assets=assets, print_edition=GEOMETRY)
    document = lay_out(html, assets.roots, assets.configured_files(), tags=False)
    found = print_proof(padded(document), config, print_name(config))
    codes = {(f.code, f.cell) for f in found}
    band = next(n for n, page in enumerate(document.pages, 1) if "theme-band" in _classes(page))
    assert ("proof-bleed", f"page {band}") in codes and ("proof-image-resolution", "page 1") in codes, codes
    messages = {f.code: f.message for f in found}
    assert "'div.theme-band'" in messages["proof-bleed"] and "3 mm" in messages["proof-bleed"]
    assert "96 pixels pr. tomme" in messages["proof-image-resolution"], messages
    assert all(f.file == print_name(config) for f in found)


def test_a_page_count_not_divisible_by_4_is_named_and_blank_pages_go_before_the_back_cover(config):
    from weasyprint import HTML

    from reportgen.pdf.preflight import print_proof

    pages = "".join(f'<p style="break-before: page">{n}</p>' for n in range(1, 5))
    html = f'<style>@page {{ bleed: 8mm }} @page closing {{ }}</style>{pages}<p style="page: closing">back</p>'
    document = HTML(string=html).render()  # five pages
    found = print_proof(document, config, print_name(config))
    assert [(f.code, f.cell) for f in found] == [("proof-page-count", "page 5")], [f.describe() for f in found]
    assert "5 sider, ikke et antal, der går op i 4" in found[0].message
    booklet = padded(document)
    assert print_proof(booklet, config, print_name(config)) == []
    assert [_box_text(page) for page in booklet.pages] == ["1", "2", "3", "4", "", "", "", "back"]


def _box_text(page) -> str:
    from reportgen.pdf.lines import descendants
    return "".join(getattr(box, "text", "") for box in descendants(page._page_box)).strip()


def _classes(page) -> str:
    from reportgen.pdf.lines import descendants
    return " ".join((getattr(box, "element", None) is not None and box.element.get("class")) or ""
                    for box in descendants(page._page_box))


def _fonts(pdf):
    for page in pdf.pages:
        fonts = page.Resources.get("/Font", {})
        yield from (fonts[name] for name in fonts.keys())


def _text(path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"], check=True,
                          capture_output=True, text=True).stdout.strip()


def _grey(path, page: int) -> Image.Image:
    """One page rendered whole (the MediaBox: bleed and marks) at 72 dpi, in grey."""
    out = subprocess.run(["pdftoppm", "-gray", "-r", "72", "-f", str(page), "-l", str(page), str(path)],
                         check=True, capture_output=True).stdout
    import io
    return Image.open(io.BytesIO(out)).convert("L")
