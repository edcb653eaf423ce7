"""Building: nothing written on errors; a real PDF with pages, bookmarks, metadata and all text."""

from __future__ import annotations

import re
import warnings

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reportgen.cli import cli
from reportgen.paths import default_templates_dir, template_files
from reportgen.pdf import BASE_URL, AssetFetcher
from reportgen.pipeline import build
from reportgen.problems import InputsError
from reportgen.render import template_dirs
from reportgen.render.text import plain_words

from .conftest import ROOT, pdftotext, set_cells


def test_build_refuses_and_writes_nothing_on_errors(report_dir, tmp_path):
    set_cells(report_dir / "sheets" / "07.xlsx", rg_status="Ukendt")
    out = tmp_path / "out"
    with pytest.raises(InputsError) as info:
        build(report_dir / "report.yaml", out)
    assert [f.code for f in info.value.result.errors] == ["status-unknown"]
    assert not out.exists()
    run = CliRunner().invoke(cli, ["build", "-c", str(report_dir / "report.yaml"), "--out", str(out)],
                             catch_exceptions=False)
    assert run.exit_code == 1 and "status-unknown" in run.stdout and not out.exists()
    assert run.stderr.strip().splitlines()[-1] == "Intet blev skrevet: ret fejlene ovenfor, og prøv igen."


def test_small_pdf_has_every_field_structure_and_metadata(small_build, shared_config):
    reader = PdfReader(small_build.pdf)
    assert small_build.pages == len(reader.pages) and small_build.actions == 3
    box = reader.pages[1].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    meta = reader.metadata
    assert meta.title == "Status på handlingskatalog 2017" and meta.author == "Jammerbugt Kommune"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "da" and "/StructTreeRoot" in catalog  # tagged PDF
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "1. Attraktiv bosætningskommune" not in titles  # bookmark is the heading text
    assert "Attraktiv bosætningskommune" in titles and "Oversigt over handlinger" in titles
    nested = [item.title for group in reader.outline if isinstance(group, list) for item in group]
    assert "1. Kampagner om at bosætte sig i Jammerbugt Kommune" in nested
    words = pdf_words(small_build.pdf)
    for action in small_build_actions(shared_config):
        for key, value in action.texts.items():
            missing = [w for w in plain_words(value) if w not in words]
            assert not missing, (action.number, key, missing[:5])
    assert "[ STATUS PÅ HANDLINGSKATALOG 2017 ] Version 2.6.2017" in pdftotext(small_build.pdf, "-f", "3", "-l", "3")


def small_build_actions(config):
    from reportgen.checks import check
    return check(config).catalogue.actions


RUNNING = re.compile(r"^(\d+\s+)?\[ .+ \] Version \S+(\s+\d+)?$")  # the page footer


PAGE_NUMBER = re.compile(r"\d{1,3}")  # a page's number alone on its line (a year, 2022, is a word)


def normalise_pdf_text(text: str, line_end_hyphen: str = "") -> str:
    """pdftotext's text with the page furniture dropped and lines joined. A hyphen at a line end is
    hyphenation (removed: ""), a word's own ("Fjerritslev-/Svinkløv": "-") or a suspended one
    ("Social-, sundhed-/og": "- "): the text cannot tell, so callers look in every reading. A line
    that ends in a word's slash goes on in the same word ("VækstJammerbugt/" "VisitJammerbugten")."""
    lines = [ln for ln in text.replace("\f", "\n").split("\n")
             if ln.strip() and not RUNNING.match(ln.strip()) and not PAGE_NUMBER.fullmatch(ln.strip())]
    text = re.sub(r"(?<=\w)-\n", line_end_hyphen, re.sub(r"(?<=\w/)\n(?=\w)", "", "\n".join(lines)))
    return " ".join(text.split())


def pdf_words(pdf) -> set[str]:
    """Every word of the PDF, in every reading: content and reading order, hyphens kept or not."""
    words = set()
    for order in ("-raw", "-layout", None):
        text = pdftotext(pdf, *([order] if order else []))
        for hyphen in ("", "-", "- "):
            words |= set(normalise_pdf_text(text, hyphen).split(" "))
    return words


def test_build_cli_last_line_says_where_the_pdf_is(cli_build):
    """End to end, in a process of its own: exit code, the progress and summary on stderr, and
    the PDF's path as stdout's last line (what a script reads)."""
    run, out = cli_build
    assert run.returncode == 0, run.stderr
    folder = out / "status-paa-handlingskatalog-2017-v2.6.2017"  # one folder per edition and version
    pdf = folder / "status-paa-handlingskatalog-2017-v2.6.2017.pdf"
    assert pdf.is_file() and (folder / "status-paa-handlingskatalog-2017-v2.6.2017.html").is_file()
    assert run.stdout.strip().splitlines()[-1] == f"PDF skrevet: {pdf}"
    lines = run.stderr.splitlines()
    assert [line for line in lines if line.startswith("… ")] == [
        "… Læser ark", "… Laver HTML", "… Sætter siderne op (WeasyPrint)", "… Skriver filer"]
    assert f"{len(PdfReader(pdf).pages)} sider, 3 handlinger" in lines
    assert not list(out.glob("*.part"))


def test_hostile_cell_text_is_escaped_in_html_and_pdf(report_dir, tmp_path):
    hostile = ('<img src="file:///etc/passwd"> <link rel=stylesheet href="http://example.com/x.css">'
               '<style>body{display:none}</style> {{ config }} {% raw %}')
    set_cells(report_dir / "sheets" / "07.xlsx", rg_field_maal=hostile, rg_title="<b>Fed</b> & titel")
    result = build(report_dir / "report.yaml", tmp_path / "out")
    html = result.html.read_text(encoding="utf-8")
    assert "<img" not in html and "<link rel=stylesheet" not in html and "<b>Fed" not in html
    assert ("&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
            or "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html)
    assert "{{ config }}" in html  # cell text is data, never a template
    text = normalise_pdf_text(pdftotext(result.pdf, "-raw"))
    assert '<b>Fed</b> & titel' in text and "{{ config }}" in text


def test_fetcher_serves_only_the_project_assets(config, tmp_path):
    roots = template_dirs(config)
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG")
    fetcher = AssetFetcher(roots, {"assets/own/1234abcd-logo.png": logo})
    assert fetcher.fetch(BASE_URL + "assets/fonts/OpenSans-Regular.ttf").read()[:4] == b"\x00\x01\x00\x00"
    assert fetcher.fetch(BASE_URL + "assets/own/1234abcd-logo.png").read() == b"\x89PNG"
    for url in ("http://example.com/x.png", "https://example.com/", "data:text/css,body{}",
                "file:///etc/passwd", (roots[-1] / "assets" / "fonts" / "OpenSans-Regular.ttf").as_uri(),
                BASE_URL + "assets/../../../../../etc/passwd", BASE_URL + "../etc/passwd",
                BASE_URL + "assets/own/logo.png", logo.as_uri(), "ftp://example.com/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def _wheel_contents(monkeypatch):
    """What a wheel of this checkout carries, by setuptools' own reading of pyproject.toml: the
    packages, and each package's data files (folder, names)."""
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    monkeypatch.chdir(ROOT)  # setuptools reads the package folders relative to the project
    dist = Distribution()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "[tool.setuptools] in pyproject.toml is still beta"
        apply_configuration(dist, ROOT / "pyproject.toml")
    build_py = dist.get_command_obj("build_py")
    build_py.ensure_finalized()
    return set(build_py.packages), {pkg: (ROOT / src, set(files)) for pkg, src, _, files in build_py.data_files}


def test_templates_are_found_outside_a_checkout(monkeypatch):
    """Installed from a wheel, reportgen finds its templates as package data: the wheel carries
    every file of templates/, and where reportgen looks has exactly those files."""
    _, data = _wheel_contents(monkeypatch)
    folder, shipped = data["reportgen.templates"]
    assert folder.resolve() == (ROOT / "templates").resolve()
    in_checkout = {p.relative_to(folder).as_posix() for p in template_files(folder)}
    assert {"report.html.j2", "style.css.j2", "assets/fonts/OpenSans-Regular.ttf"} <= in_checkout
    assert sorted(in_checkout - shipped) == []  # a file the package-data patterns miss
    templates = default_templates_dir()
    assert (templates / "report.html.j2").is_file() and (templates / "assets" / "fonts").is_dir()
    assert {p.relative_to(templates).as_posix() for p in template_files(templates)} == shipped
    locales, shipped_locales = data["reportgen.locales"]
    assert {p.name for p in locales.glob("*.yaml")} == shipped_locales >= {"da.yaml", "en.yaml"}


def test_every_package_is_in_the_wheel(monkeypatch):
    """Each folder of reportgen/ with an __init__.py is declared in pyproject.toml (the packages
    are listed there by hand), so an installed reportgen has every module."""
    packages, _ = _wheel_contents(monkeypatch)
    in_source = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "reportgen").rglob("__init__.py")
                 if "__pycache__" not in p.parts}
    assert {"reportgen", "reportgen.cli", "reportgen.pdf"} <= in_source
    assert sorted(in_source - packages) == []


def test_the_desks_templates_are_in_the_wheel(monkeypatch):
    _, data = _wheel_contents(monkeypatch)
    folder, shipped = data["reportgen.desk"]
    in_checkout = {p.relative_to(folder).as_posix() for p in (folder / "templates").iterdir()}
    assert "templates/desk_owner.html.j2" in in_checkout and "templates/desk.css" in in_checkout
    assert sorted(in_checkout - shipped) == []
