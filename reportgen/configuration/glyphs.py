"""Can the report's fonts draw every configured text that is printed?

A character that none of the report's fonts has prints as nothing (WeasyPrint finds no glyph), with
no error: a status symbol "⏸" would leave the matrix, the legend and the summary blank. So loading
the configuration checks each printed text (headings, labels, names, status symbols and words, cover
and closing texts, marks, the running line and the report's ``labels``) against the fonts the pages
use: the text font (``style.font``'s regular face, or the bundled Open Sans) and the bundled symbol
fonts, each taken from the report's own ``templates/assets/fonts`` first, as the pages take them.
Reading a font's character map is cached per file (fontTools, which WeasyPrint itself uses).
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from pathlib import Path

from ..paths import default_templates_dir
from .schema import Config, KeyPath

TEXT_FONT = "OpenSans-Regular.ttf"
SYMBOL_FONTS = ("DejaVuSans-Symbols.ttf", "NotoSansSymbols2-Subset.ttf")
FONTS_DIR = Path("assets") / "fonts"
PRINTED_LABELS = ("report.", "role.")  # the `labels:` the pages print (the others are the sheet's, the CLI's …)


@dataclasses.dataclass(frozen=True)
class MissingGlyph:
    key: KeyPath        # where the text is in the configuration
    char: str
    fonts: tuple[str, ...]

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"


def printed_texts(config: Config) -> list[tuple[KeyPath, str]]:
    """Every configured text that reaches the printed page, with its key path."""
    r, cover = config.report, config.cover
    texts: list[tuple[KeyPath, str | None]] = [
        (("report", "title"), r.title), (("report", "edition"), r.edition), (("report", "version"), r.version),
        (("report", "place"), r.place), (("report", "organisation"), r.organisation),
        (("report", "running_title"), r.running_title), (("style", "running_line"), config.style.running_line),
        (("cover", "heading"), cover.heading), (("cover", "text"), cover.text), (("cover", "web"), cover.web),
        (("cover", "dateline"), cover.dateline), (("closing",), config.closing),
        (("marks", "committee"), config.marks.committee), (("marks", "anchoring"), config.marks.anchoring),
        (("marks", "interest"), config.marks.interest),
    ]
    for i, section in enumerate(config.front_matter):
        texts += [(("front_matter", i, "heading"), section.heading), (("front_matter", i, "text"), section.text)]
    for i, theme in enumerate(config.themes):
        texts += [(("themes", i, key), getattr(theme, key)) for key in ("heading", "subtitle", "intro")]
    texts += [(("fields", i, "label"), field.label) for i, field in enumerate(config.fields)]
    for kind, items in (("committees", config.committees), ("administrations", config.administrations)):
        for i, item in enumerate(items):
            texts += [((kind, i, "name"), item.name), ((kind, i, "short"), item.short)]
    for i, status in enumerate(config.statuses):
        texts += [(("statuses", i, key), getattr(status, key)) for key in ("symbol", "label", "legend")]
    texts += [(("labels", key), text) for key, text in config.labels.items() if key.startswith(PRINTED_LABELS)]
    return [(key, text) for key, text in texts if text]


def font_files(config: Config) -> list[Path]:
    """The fonts a printed character may come from, in the order the stylesheet tries them."""
    roots = [config.base_dir / "templates", default_templates_dir()]

    def bundled(name: str) -> Path:
        return next((root / FONTS_DIR / name for root in roots if (root / FONTS_DIR / name).is_file()),
                    roots[-1] / FONTS_DIR / name)

    text = config.base_dir / config.style.font.regular if config.style.font else bundled(TEXT_FONT)
    return [text, *(bundled(name) for name in SYMBOL_FONTS)]


def missing_glyphs(config: Config) -> list[MissingGlyph]:
    """The characters of printed texts that none of the report's fonts has (each once per key)."""
    fonts = font_files(config)
    covered: set[int] = set()
    for font in fonts:
        points = _code_points(font)
        if points is None:
            return []  # a font fontTools cannot read: no telling (WeasyPrint will say so when it lays out)
        covered |= points
    names = tuple(font.name for font in fonts)
    found = []
    for key, text in printed_texts(config):
        for char in dict.fromkeys(text):
            if ord(char) not in covered and not _invisible(char):
                found.append(MissingGlyph(key, char, names))
    return found


def _invisible(char: str) -> bool:
    """Spaces, line breaks and format characters (soft hyphen, joiners): nothing to draw."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Zs")


def _code_points(font: Path) -> frozenset[int] | None:
    try:
        stat = font.stat()
    except OSError:
        return None
    return _cmap(str(font.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _cmap(path: str, mtime: int, size: int) -> frozenset[int] | None:
    """Every code point a font file maps to a glyph (all its faces, for a collection)."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if path.lower().endswith((".ttc", ".otc")):
            fonts = list(TTCollection(path, lazy=True))
        else:
            fonts = [TTFont(path, lazy=True, fontNumber=0)]
        points: set[int] = set()
        for font in fonts:
            points |= set(font.getBestCmap() or {})
            font.close()
        return frozenset(points)
    except Exception:  # fontTools raises many kinds for a file that is no font it can read
        return None
