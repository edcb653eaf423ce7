"""The web edition's fonts: cut to the characters its page uses, as WOFF2, the same bytes every time."""

from __future__ import annotations

import html
import io
import re

from fontTools.ttLib import TTFont

from reportgen.checks import check
from reportgen.paths import default_templates_dir
from reportgen.pipeline import web_edition
from reportgen.render.webfonts import page_characters, woff2

FONTS = default_templates_dir() / "assets" / "fonts"


def _text(page: str) -> set[str]:
    """The characters of the page's visible text (tags, scripts and styles left out)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return set(html.unescape(re.sub(r"<[^>]+>", "", body))) - {"\n", "\t", "\r"}


def test_each_face_is_the_pages_characters_as_woff2(config):
    files = web_edition(check(config).catalogue)
    page = files["index.html"].decode("utf-8")
    fonts = {name: data for name, data in files.items() if name.startswith("assets/fonts/")}
    assert sorted(fonts) == ["assets/fonts/DejaVuSans-Symbols.woff2", "assets/fonts/NotoSansSymbols2-Subset.woff2",
                             "assets/fonts/OpenSans-Bold.woff2", "assets/fonts/OpenSans-BoldItalic.woff2",
                             "assets/fonts/OpenSans-Italic.woff2", "assets/fonts/OpenSans-Regular.woff2",
                             "assets/fonts/OpenSans-Semibold.woff2"]
    for name in re.findall(r'src: url\("([^"]+)"\)', page):
        assert name in fonts  # the stylesheet asks for the cut fonts
    regular = TTFont(io.BytesIO(fonts["assets/fonts/OpenSans-Regular.woff2"]))
    assert regular.flavor == "woff2"
    drawn = {chr(code) for code in regular.getBestCmap()}
    letters = {char for char in _text(page) if char.isalpha()}
    assert {"æ", "ø", "å"} <= letters <= drawn  # every letter the page shows, Danish ones too
    assert "Ж" not in drawn and len(drawn) < 200  # and not the font's other 900 characters
    assert sum(len(data) for data in fonts.values()) < 80_000  # whole, the seven fonts are 1.2 MB


def test_the_same_page_gives_the_same_font_bytes():
    characters = page_characters("<p>Bosætningskommune &amp; ønsker</p>")
    source = FONTS / "OpenSans-Bold.ttf"
    cut = TTFont(io.BytesIO(woff2(source, characters)))
    # fontTools stamps the clock into a font it saves unless told not to: the font's own stamp is kept.
    assert cut["head"].modified == TTFont(str(source))["head"].modified


def test_characters_a_stylesheet_or_script_writes_are_kept():
    found = page_characters('<style>.x::after { content: "\\2192"; }</style><p>a&#8212;b</p>')
    assert {0x2192, 0x2014, ord("7")} <= found  # a CSS escape, an entity, a digit a script may write
