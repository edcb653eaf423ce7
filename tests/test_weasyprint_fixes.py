"""reportgen/pdf/fixes.py: WeasyPrint 70 with less repeated work gives the same PDF, byte for byte,
except where stock WeasyPrint prints a wrong page number (and the fixes the right one)."""

from __future__ import annotations

import dataclasses
import gc
import re
import subprocess
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
import weasyprint
import weasyprint.layout.inline
import weasyprint.layout.page
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import Box

from reportgen.pdf import fixes
from reportgen.pipeline import make_edition

ALL = [fix.name for fix in fixes.FIXES]


@pytest.fixture
def restore() -> Iterator[None]:
    """Whatever a test switches, the fixes are back in place for the next one."""
    yield
    fixes.apply(True)


def count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """How often ``module.name`` is called from now on (WeasyPrint's own function, counted)."""
    calls = [0]
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def both(html: str) -> tuple[bytes, bytes]:
    """The PDF of ``html`` by stock WeasyPrint, and with the fixes."""
    made = []
    for enabled in (False, True):
        assert fixes.apply(enabled) == (ALL if enabled else [])
        made.append(HTML(string=html).write_pdf())
    return made[0], made[1]


PAGE = "@page { size: 120mm 110mm; margin: 10mm; @bottom-center { content: counter(page) } }"
BODY = "body { font: 9pt/12pt sans-serif; margin: 0; orphans: 2; widows: 2 } h2 { font-size: 11pt }"


def paragraphs(count: int, words: int = 30) -> str:
    return "".join(f"<h2>Part {i}</h2><p>" + " ".join(f"word{i}x{j}" for j in range(words + i % 7)) + "</p>"
                   for i in range(count))


def document(style: str, body: str) -> str:
    return f"<!DOCTYPE html><html lang=en><style>{PAGE} {BODY} {style}</style><body>{body}</body></html>"


DOCUMENTS = {
    "auto-filled columns over pages": document(".cols { columns: 2; column-fill: auto }",
                                               f"<p>Before.</p><div class=cols>{paragraphs(40)}</div><p>After.</p>"),
    "auto-filled columns with a spanning heading": document(
        ".cols { columns: 3; column-fill: auto } .span { column-span: all }",
        f"<div class=cols>{paragraphs(10)}<h1 class=span>Across</h1>{paragraphs(25)}</div>"),
    "auto-filled columns with footnotes": document(
        ".cols { columns: 2; column-fill: auto } .note { float: footnote }",
        "<div class=cols>" + "".join(f"<p>Text {i} <span class=note>Note {i}.</span> " + "more " * 40 + "</p>"
                                     for i in range(25)) + "</div>"),
    "balanced columns with a bottom margin": document(
        ".cols { columns: 2; margin-bottom: 8mm; padding-bottom: 2mm }",
        "".join(f"<div class=cols>{paragraphs(3 + i)}</div>" for i in range(6))),
    "contents with target-counter(attr(href))": document(
        ".toc a::after { content: leader('. ') target-counter(attr(href), page) } .cols { columns: 2 }"
        " h2 { break-before: page }",
        "<ul class=toc>" + "".join(f"<li><a href='#p{i}'>Part {i}</a></li>" for i in range(12)) + "</ul>"
        + "".join(f"<section id=p{i}><h2>Part {i}</h2><div class=cols>{paragraphs(2 + i % 4)}</div></section>"
                  for i in range(12))),
}
SVG = "data:image/svg+xml," + quote("<svg xmlns='http://www.w3.org/2000/svg' width='9' height='9'><rect width='9' "
                                    "height='9'/></svg>")
DOCUMENTS["contents and an SVG image"] = DOCUMENTS["contents with target-counter(attr(href))"].replace(
    "<body>", f"<body><img src=\"{SVG}\" alt=''>")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_same_bytes_with_and_without_the_fixes(name, restore):
    stock, fixed = both(DOCUMENTS[name])
    assert stock == fixed


def toc_document(sections: int) -> str:
    """Contents whose entries wrap once their page numbers have two digits: the contents grows by
    a page in WeasyPrint's second pagination loop, and every section moves one page on."""
    style = ("body { font: 10pt/14pt sans-serif; margin: 0 } .toc li { width: 15mm }"
             " ul { margin: 0; padding: 0; list-style: none } h1 { break-before: page }"
             " .toc a::after { content: ' ' target-counter(attr(href), page) }")
    toc = "".join(f'<li><a href="#s{i}">Sec {i}</a></li>' for i in range(1, sections + 1))
    body = "".join(f'<h1 id="s{i}">Section {i}</h1><p>Text {i}</p>' for i in range(1, sections + 1))
    return f"<!DOCTYPE html><html lang=en><style>@page {{ size: 120mm 60mm; margin: 10mm }} {style}</style>" \
           f"<body><ul class=toc>{toc}</ul>{body}</body></html>"


def wrong_numbers(pdf: bytes) -> dict[int, tuple[int, int]]:
    """Each contents entry whose number is not its section's page: section -> (printed, true)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    where = {int(match.group(1)): page for page, content in enumerate(text.split("\f"), start=1)
             for match in re.finditer(r"Section (\d+)", content)}
    printed = {int(section): int(page) for section, page in re.findall(r"Sec (\d+)\s+(\d+)", text)}
    assert printed and set(printed) == set(where)
    return {section: (page, where[section]) for section, page in printed.items() if page != where[section]}


def test_stock_weasyprint_prints_a_wrong_page_number_and_the_fix_the_right_one(restore):
    stock, fixed = both(toc_document(12))
    assert wrong_numbers(stock)  # e.g. section 1 printed as page 2, though the contents pushed it to 3
    assert wrong_numbers(fixed) == {}


def test_the_fixes_save_layout_work(monkeypatch, restore):
    """Fewer lines tried for auto-filled columns, fewer pages made for a contents."""
    for html, module, name in ((DOCUMENTS["auto-filled columns over pages"], weasyprint.layout.inline,
                                "split_first_line"),
                               (DOCUMENTS["contents with target-counter(attr(href))"], weasyprint.layout.page,
                                "make_page")):
        calls = count_calls(monkeypatch, module, name)
        counts = []
        for enabled in (False, True):
            fixes.apply(enabled)
            calls[0] = 0
            HTML(string=html).render()
            counts.append(calls[0])
        assert counts[1] < counts[0], (name, counts)


def test_the_sample_is_byte_identical_with_stock_weasyprint(sample_build, sample_config, monkeypatch, restore):
    """The sample's PDF as `build` wrote it (with the fixes), and made again the same way with
    stock WeasyPrint (REPORTGEN_STOCK_WEASYPRINT=1)."""
    monkeypatch.setenv(fixes.STOCK, "1")
    stock = make_edition(sample_config).pdf
    assert fixes.apply() == []
    assert stock == sample_build.pdf.read_bytes()


def test_only_where_they_were_made_for(monkeypatch, restore, caplog):
    """Another WeasyPrint version, another source of a function, or the switch: stock WeasyPrint,
    and a debug message says why."""
    stock_functions = {fix.name: _stock(fix) for fix in fixes.FIXES}
    caplog.set_level("DEBUG", logger="reportgen.pdf.fixes")
    assert fixes.apply() == ALL

    monkeypatch.setenv(fixes.STOCK, "1")
    assert fixes.apply() == []
    assert all(_current(fix) is stock_functions[fix.name] for fix in fixes.FIXES)
    assert fixes.STOCK in caplog.text
    monkeypatch.delenv(fixes.STOCK)

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    assert fixes.apply() == []
    assert "WeasyPrint 71.0" in caplog.text
    monkeypatch.undo()

    changed = dataclasses.replace(fixes.FIXES[0], stock_sha256="0" * 64)
    monkeypatch.setattr(fixes, "FIXES", (changed,))
    monkeypatch.setattr(fixes, "_fixed", {})
    assert fixes.apply() == []
    assert "not the source it was written for" in caplog.text


def _current(fix: fixes.Fix) -> Callable[..., Any]:
    return fixes._find(f"{fix.module}.{fix.function}")


def _stock(fix: fixes.Fix) -> Callable[..., Any]:
    fixes.apply(False)
    return _current(fix)


def test_the_page_references_are_made_once_per_page_added(restore):
    """WeasyPrint's tagging reads ``page_references`` for every structure element: stock pydyf makes
    the tuple of all pages each time, the fix only after a page was added."""
    import pydyf

    for enabled in (False, True):
        fixes.apply(enabled)
        pdf = pydyf.PDF()
        for _ in range(3):
            pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        first = pdf.page_references
        assert (pdf.page_references is first) == enabled
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert pdf.page_references == (*first, f"{pdf.objects[-1].number} 0 R".encode())


def test_the_layout_state_goes_once_the_pages_are_made(restore):
    """Every SVG image WeasyPrint loads keeps its layout context (to draw with it); stock, the context keeps the
    pagination's state and through it boxes of earlier pagination loops that no page shows, as long
    as the document lives (a long report: hundreds of MB). With the fix an image keeps nothing more."""
    def boxes_on_no_page(html: str) -> int:
        document = HTML(string=html).render()
        gc.collect()
        on_pages = {id(box) for page in document.pages for box in page._page_box.descendants()}
        return sum(1 for o in gc.get_objects() if isinstance(o, Box) and id(o) not in on_pages)

    kept = {}
    for enabled in (False, True):
        fixes.apply(enabled)
        kept[enabled] = (boxes_on_no_page(DOCUMENTS["contents with target-counter(attr(href))"]),
                         boxes_on_no_page(DOCUMENTS["contents and an SVG image"]))
    without_image, with_image = kept[False]
    assert with_image > without_image + 100  # stock: the image keeps the earlier loops' boxes
    assert kept[True][1] == kept[True][0] == without_image  # fixed: it keeps none of them
