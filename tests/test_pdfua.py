"""PDF/UA-1: the sample and a new English edition pass reportgen's machine checks (reportgen.pdf.ua)
and claim PDF/UA-1; each check fails on a small document that breaks it (WeasyPrint's PDF as it
comes, without reportgen's mending, or changed afterwards with pikepdf); and a configuration that
breaks one (its own cover template with a logo and no description) gets a proof finding and no claim."""

from __future__ import annotations

import io
import subprocess
from collections import Counter

import pikepdf
import pytest
import yaml

from reportgen.model import Role
from reportgen.paths import default_templates_dir
from reportgen.pdf import lay_out, write_pdf, xmp
from reportgen.pdf.ua import check_pdf
from reportgen.pipeline import build, load, make_edition
from reportgen.starter import new_report

PAGE = ('<!DOCTYPE html><html{lang}><head><meta charset="utf-8">{title}<style>{style}</style></head>'
        "<body>{body}</body></html>")
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#036"/></svg>'


def made(config, body: str, style: str = "", *, mended: bool = True, lang: str = ' lang="da"',
         title: str = "<title>Prøve</title>") -> bytes:
    """A small PDF/A-3a with tags, through reportgen's own finisher (``mended``) or as WeasyPrint writes it."""
    document = lay_out(PAGE.format(lang=lang, title=title, style=style, body=body), [])
    return write_pdf(document, finisher=xmp.finisher(config) if mended else None)


def failing(data: bytes) -> set[str]:
    return {problem.check for problem in check_pdf(data)}


def changed(data: bytes, change) -> bytes:
    """The PDF after ``change(pdf)`` (pikepdf), as bytes."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def claims_ua(data: bytes) -> bool:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return pdf.open_metadata().get("pdfuaid:part") == "1"


def elements(pdf, kind: str | None = None):
    """Every structure element under the root (pikepdf), in order; only ``kind`` if given."""
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        element = stack.pop()
        if kind is None or element.get("/S") == kind:
            yield element
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        stack.extend(reversed([k for k in kids if isinstance(k, pikepdf.Dictionary)
                               and k.get("/Type") not in ("/MCR", "/OBJR")]))


def destination_page(pdf, name: str) -> int:
    names = pdf.Root.Names.Dests.Names
    target = next(names[i + 1] for i in range(0, len(names), 2) if str(names[i]) == name)
    return next(number for number, page in enumerate(pdf.pages, start=1) if page.objgen == target[0].objgen)


# --- The sample and a new edition ------------------------------------------------------------


def test_the_sample_passes_every_check_and_claims_pdfua(sample_build, sample_catalogue):
    data = sample_build.pdf.read_bytes()
    assert check_pdf(data) == []
    assert claims_ua(data)
    with pikepdf.open(sample_build.pdf) as pdf:
        metadata = pdf.Root.Metadata.read_bytes()
        assert b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in metadata  # declared, as PDF/A asks
        assert "/Filter" not in pdf.Root.Metadata and metadata in data  # the packet as it is, for any scanner
        # The status bars are decoration (their numbers stand beside them): artifacts, one per theme.
        assert list(elements(pdf, "/Figure")) == []
        layout = sum(page.Contents.read_bytes().count(b"/Artifact\n<</Type /Layout>>") for page in pdf.pages)
        assert layout == len(sample_catalogue.config.themes) == 5
        # Each link says where it goes, with the page; one Link element per link, none inside another.
        page = destination_page(pdf, "action-7")
        descriptions = {str(a.Contents) for p in pdf.pages for a in p.get("/Annots", [])
                        if str(a.get("/Dest", "")) == "action-7"}
        assert descriptions == {f"7. Videreudvikle stærke feriedestinationer, side {page}"}
        assert all(element.P.S != "/Link" for element in elements(pdf, "/Link"))
        assert all(element.P.S != "/L" for element in elements(pdf, "/L"))
        # Header cells have their scope, and every header a cell names is in the ID tree.
        scopes = Counter(str(th.A.Scope) for th in elements(pdf, "/TH"))
        assert set(scopes) == {"/Column", "/Row"} and sum(scopes.values()) > 100
        ids = {str(name) for name in pdf.Root.StructTreeRoot.IDTree.Names[::2]}
        assert {str(h) for td in elements(pdf, "/TD") for h in td.A.get("/Headers", [])} <= ids
        # The theme numbers, drawn in form XObjects, are referenced through the form's own numbers.
        forms = [x for p in pdf.pages for x in p.Resources.get("/XObject", {}).values() if x.Subtype == "/Form"]
        assert forms and all("/StructParents" in form for form in forms)
        # A matrix mark reads as what it means.
        meanings = Counter(str(td.ActualText) for td in elements(pdf, "/TD") if "/ActualText" in td)
    actions = sample_catalogue.actions
    assert meanings == {"Administrativ forankring": len(actions),
                        "Interessent": sum(list(a.roles.values()).count(Role.INTEREST) for a in actions),
                        "Udvalget er involveret": sum(len(a.committees) for a in actions)}


def test_a_new_english_edition_passes_every_check(tmp_path):
    config_path = new_report(tmp_path / "report", language="en")
    result = build(config_path, tmp_path / "out")
    data = result.pdf.read_bytes()
    assert check_pdf(data) == [] and result.proof == []
    assert claims_ua(data)
    with pikepdf.open(result.pdf) as pdf:
        assert str(pdf.Root.Lang) == "en"
        descriptions = [str(a.Contents) for p in pdf.pages for a in p.get("/Annots", [])]
    assert descriptions and all(", page " in text for text in descriptions if not text.startswith("http"))


def test_mending_gives_the_same_bytes_every_time(sample_config):
    body = ('<h1 id="t">Mål</h1><p class="o">1</p><ul style="columns: 2"><li><a href="#t">til målet</a></li>'
            '<li>b</li></ul><table><tr><th scope="col">a</th></tr><tr><td aria-label="Ja">X</td></tr></table>')
    style = ".o { opacity: 0.5 } a::after { content: ' ' target-counter(attr(href), page) }"
    first, second = made(sample_config, body, style), made(sample_config, body, style)
    assert first == second and failing(first) == set()


# --- Each check, failing on a document that breaks it ------------------------------------------


def test_tagged_fails_untagged_and_suspect_documents(sample_config):
    document = lay_out(PAGE.format(lang=' lang="da"', title="<title>T</title>", style="", body="<p>x</p>"), [])
    assert failing(document.write_pdf()) == {"tagged"}
    good = made(sample_config, "<h1>Overskrift</h1>")
    assert failing(good) == set() and claims_ua(good)
    assert failing(changed(good, lambda pdf: pdf.Root.MarkInfo.__setitem__("/Suspects", True))) == {"tagged"}


def test_content_fails_on_untagged_content_and_broken_references(sample_config):
    running = "@page { @bottom-center { content: 'Side ' counter(page) } }"
    assert failing(made(sample_config, "<p>Tekst</p>", running, mended=False)) == {"content"}  # a page foot
    assert failing(made(sample_config, "<p>Tekst</p>", running)) == set()  # … as a pagination artifact
    faded = ".o { opacity: 0.85 }"  # drawn in a form XObject, numbered as if it were the page's
    assert failing(made(sample_config, '<p class="o">1</p>', faded, mended=False)) == {"content"}
    assert failing(made(sample_config, '<p class="o">1</p>', faded)) == set()

    def paint_untagged(pdf):
        pdf.pages[0].contents_add(pdf.make_stream(b"q 0 0 10 10 re f Q"), prepend=False)

    problems = check_pdf(changed(made(sample_config, "<p>Tekst</p>"), paint_untagged))
    assert [(p.check, p.page, p.item) for p in problems] == [("content", 1, "f")]

    def around(opening: bytes):  # the whole page inside one more marked-content sequence
        def wrap(pdf):
            pdf.pages[0].contents_add(pdf.make_stream(opening), prepend=True)
            pdf.pages[0].contents_add(pdf.make_stream(b"EMC"), prepend=False)
        return wrap

    framed = made(sample_config, '<p style="border: 1pt solid">Tekst</p>')  # the frame: an artifact
    in_artifact = check_pdf(changed(framed, around(b"/Artifact BMC")))
    assert {p.check for p in in_artifact} == {"content"}
    assert "/Span MCID 0 in /Artifact" in {p.item for p in in_artifact}
    in_tagged = check_pdf(changed(framed, around(b"/P <</MCID 99>> BDC")))
    assert {"/P MCID 99", "/Artifact in MCID 99"} <= {p.item for p in in_tagged}


def test_figure_alt_fails_on_a_picture_without_a_description(sample_config):
    picture = '<svg width="20" height="10"><rect width="20" height="10"/></svg>'
    assert failing(made(sample_config, picture)) == {"figure-alt"}
    described = '<svg width="20" height="10"><title>Et rektangel</title><rect width="20" height="10"/></svg>'
    assert failing(made(sample_config, described)) == set()
    decoration = '<svg aria-hidden="true" width="20" height="10"><rect width="20" height="10"/></svg>'
    assert failing(made(sample_config, decoration, mended=False)) == {"figure-alt"}
    assert failing(made(sample_config, decoration)) == set()  # an artifact


def test_table_headers_fail_without_scope_or_id_tree(sample_config):
    table = ('<table><thead><tr><th scope="col">a</th><th scope="col">b</th></tr></thead>'
             '<tbody><tr><th scope="row">x</th><td>1</td></tr></tbody></table>')
    items = {p.item for p in check_pdf(made(sample_config, table, mended=False))}
    assert "/TH /Scope" in items and any(item.startswith("/Headers") for item in items)
    good = made(sample_config, table)
    assert failing(good) == set()
    assert failing(changed(good, lambda pdf: pdf.Root.StructTreeRoot.__delitem__("/IDTree"))) == {"table-headers"}


def test_links_fail_without_a_usable_description(sample_config):
    link = '<h1 id="t">Målet</h1><p><a href="#t">til målet</a></p>'
    assert failing(made(sample_config, link, mended=False)) == {"links"}  # /Contents is the anchor's name
    good = made(sample_config, link)
    assert failing(good) == set()
    with pikepdf.open(io.BytesIO(good)) as pdf:
        assert str(pdf.pages[0].Annots[0].Contents) == "Målet, side 1"

    def untag(pdf):
        del pdf.pages[0].Annots[0]["/StructParent"]

    assert failing(changed(good, untag)) == {"links"}


def test_nesting_fails_on_a_link_in_a_link_and_a_list_in_a_list(sample_config):
    generated = "a::after { content: ' (side ' target-counter(attr(href), page) ')' }"
    link = '<h1 id="t">Målet</h1><p><a href="#t">til målet</a></p>'
    assert ("nesting", "/Link > /Link") in {(p.check, p.item) for p in
                                             check_pdf(made(sample_config, link, generated, mended=False))}
    good = made(sample_config, link, generated)
    assert failing(good) == set()
    with pikepdf.open(io.BytesIO(good)) as pdf:
        assert [str(e.ActualText) for e in elements(pdf, "/Link")] == ["til målet, side 1"]  # not its leaders
    for lists in ('<ul style="columns: 2"><li>a</li><li>b</li><li>c</li><li>d</li></ul>',
                  "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>"):
        body = "<h1>Liste</h1>" + lists
        assert failing(made(sample_config, body, mended=False)) == {"nesting"}
        assert failing(made(sample_config, body)) == set()


@pytest.mark.parametrize("headings", ["<h1>A</h1><h3>B</h3>", "<h2>A</h2><h3>B</h3>"])
def test_headings_fail_on_a_skipped_level(sample_config, headings):
    assert failing(made(sample_config, headings)) == {"headings"}
    assert failing(made(sample_config, "<h1>A</h1><h2>B</h2><h3>C</h3><h2>D</h2>")) == set()


def test_language_fails_without_one(sample_config):
    assert failing(made(sample_config, "<h1>A</h1>", lang="")) == {"language"}


def test_title_fails_when_it_is_missing_or_not_shown(sample_config):
    assert failing(made(sample_config, "<h1>A</h1>", title="")) == {"title"}
    good = made(sample_config, "<h1>A</h1>")
    hidden = changed(good, lambda pdf: pdf.Root.ViewerPreferences.__setitem__("/DisplayDocTitle", False))
    assert [(p.check, p.item) for p in check_pdf(hidden)] == [("title", "/DisplayDocTitle")]


@pytest.mark.parametrize("key", ["/ToUnicode", "/FontFile2"])
def test_fonts_fail_unembedded_or_without_a_unicode_map(sample_config, key):
    def strip(pdf):
        for font in pdf.pages[0].Resources.Font.values():
            target = font if key == "/ToUnicode" else font.DescendantFonts[0].FontDescriptor
            if key in target:
                del target[key]

    good = made(sample_config, "<h1>A</h1>")
    assert failing(good) == set()
    assert failing(changed(good, strip)) == {"fonts"}


# --- A configuration that breaks one: a proof finding, and no claim ---------------------------


def test_a_logo_without_a_description_is_a_proof_finding_and_no_claim(copy_report):
    (copy_report / "logo.svg").write_text(LOGO, encoding="utf-8")
    config_path = copy_report / "report.yaml"
    data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    data.setdefault("style", {})["logo"] = "logo.svg"
    config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config, warnings = load(config_path)
    edition = make_edition(config, warnings)  # the built-in cover describes the logo (the organisation)
    assert edition.proof == [] and claims_ua(edition.pdf)

    templates = copy_report / "templates"  # the report's own cover, which forgets the description
    templates.mkdir()
    own = (default_templates_dir() / "_cover.html.j2").read_text(encoding="utf-8")
    own = own.replace(' alt="{{ report.organisation }}"', "")
    assert 'class="cover-logo"' in own and "alt=" not in own.split('class="cover-logo"')[1].split(">")[0]
    (templates / "_cover.html.j2").write_text(own, encoding="utf-8")
    config, warnings = load(config_path)
    edition = make_edition(config, warnings)
    assert [(f.code, f.cell) for f in edition.proof] == [("pdfua-figure-alt", "page 1")]
    assert "alternativ tekst" in edition.proof[0].message and "image_alt" in edition.proof[0].fix
    assert not claims_ua(edition.pdf)  # the claim blanked out of the written file, which stays whole:
    written = copy_report / "written.pdf"
    written.write_bytes(edition.pdf)
    assert b"pdfuaid" not in edition.pdf and subprocess.run(["qpdf", "--check", written]).returncode == 0
    with pikepdf.open(io.BytesIO(edition.pdf)) as pdf:
        assert pdf.open_metadata().get("dc:title") == edition.config.report.title
