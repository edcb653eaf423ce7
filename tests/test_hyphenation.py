"""Hyphenation breaks only words the language's dictionary knows: a name, a word of another language
or a misspelt word moves whole to the next line (print), or gets no soft hyphen (the web edition's
theme headings); without the dictionary the proof says so."""

from __future__ import annotations

import subprocess

import pytest

from reportgen.pdf import lay_out, write_pdf
from reportgen.pipeline import make_edition
from reportgen.render import words
from reportgen.render.text import hyphenated
from reportgen.render.words import SOFT_HYPHEN

PAGE = ('<html lang="{lang}"><head><style>@page {{ size: 80mm 60mm; margin: 5mm }} p {{ width: 34mm; '
        'hyphens: auto; font: 10pt sans-serif }}</style></head><body><p>{text}</p></body></html>')


def printed_lines(text: str, lang: str = "da") -> list[str]:
    pdf = write_pdf(lay_out(PAGE.format(lang=lang, text=text), []), variant=None, tags=False)
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [line for line in out.replace("\u2010", "-").split("\n") if line.strip()]


@pytest.mark.parametrize(("text", "lang", "lines"), [
    # the same place in the line, the same word but for one letter: the dictionary's word breaks
    ("Teknik og Miljøudvalget mødes", "da", ["Teknik og Miljøud-", "valget mødes"]),
    ("Teknik og Mijøudvalget mødes", "da", ["Teknik og", "Mijøudvalget mø-", "des"]),
    # an English word in a Danish text is left whole
    ("Vi vil fremme outdoorturisme", "da", ["Vi vil fremme", "outdoorturisme"]),
])
def test_only_a_word_the_dictionary_knows_is_hyphenated(text, lang, lines):
    assert printed_lines(text, lang) == lines


def test_the_dictionaries_know_inflections_compounds_and_only_their_own_language():
    assert words.available("da") and words.available("en-US") and words.available("da_DK")
    assert all(words.known("da", w) for w in ("klimatilpasningsplan", "Jammerbugtens", "ambitiøse", "Kattegatkysten"))
    assert not any(words.known("da", w) for w in ("outdoor", "Mijøudvalget", "Newbizz"))
    assert words.known("en", "outdoor") and words.known("en_US", "biodiversity") and not words.known("en", "Newbizz")
    assert words.known("en", "organization") and words.known("en", "organisation") and words.known("en", "colour")
    assert words.known("fi", "Newbizz")  # no dictionary for the language: nothing is left out


def test_web_headings_get_soft_hyphens_only_in_known_words():
    known = str(hyphenated("Klimatilpasningsplanen", "da", ()))
    unknown = str(hyphenated("Klimatilpasningsplanxyz", "da", ()))
    assert SOFT_HYPHEN in known and known.replace(SOFT_HYPHEN, "") == "Klimatilpasningsplanen"
    assert unknown == "Klimatilpasningsplanxyz"


def test_without_the_dictionary_the_proof_says_so_and_every_word_may_break(monkeypatch, copy_report):
    from reportgen.pipeline import load

    monkeypatch.setitem(words.DICTIONARIES, "da", ("xx_XX",))  # a dictionary this machine has not
    words._dictionary.cache_clear()
    words._answers.clear()
    try:
        assert not words.available("da")
        assert printed_lines("Teknik og Mijøudvalget mødes") == ["Teknik og Mijøud-", "valget mødes"]
        config, warnings = load(copy_report / "report.yaml")
        edition = make_edition(config, warnings, pdf=False)
        found = [f for f in edition.proof if f.code == "proof-no-dictionary"]
        assert len(found) == 1 and "'da'" in found[0].message and "hunspell-da" in found[0].fix
    finally:
        words._dictionary.cache_clear()
        words._answers.clear()


def test_the_words_checked_beside_the_layout_are_what_it_hyphenates_by():
    from reportgen.pipeline import Helper

    helper = Helper()
    page = "<p class=\"summary\">Teknik og Mij\u00adøudvalget, Miljøudvalget 2017</p>"
    told = helper.submit(words.knowing, "da-DK", page)
    helper.close(cancel=False)
    assert told() == ("da", {"Mijøudvalget": False, "Miljøudvalget": True, "Teknik": True})

    class Told:  # answers that say otherwise than this machine's dictionary: the layout goes by them
        def done(self) -> bool:
            return True

        def result(self) -> tuple[str, dict[str, bool]]:
            return "da", {"Miljøudvalget": False}

    words._answers.clear()
    words.expect(Told())
    try:
        assert printed_lines("Teknik og Miljøudvalget mødes") == ["Teknik og", "Miljøudvalget mø-", "des"]
    finally:
        words.expect(None)
        words._answers.clear()
