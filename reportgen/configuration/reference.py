"""The configuration reference (``docs/configuration.md``), made from the schema itself.

Every key's type, default and rules come from :mod:`.schema` (pydantic's field information); its
meaning is the docstring under the field, a section's introduction the model's docstring, and an
``Example:`` at the end of a docstring goes into its own column. The bundled symbol fonts' coverage
comes from the font files. Nothing here is written by hand, so the document cannot drift from the
code: ``tests/test_reference.py`` fails when they disagree.

    python -m reportgen.configuration.reference              # print it
    python -m reportgen.configuration.reference --write      # write docs/configuration.md
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import inspect
import itertools
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..fields import KINDS
from ..paths import default_templates_dir
from . import schema
from .glyphs import FONTS_DIR, SYMBOL_FONTS, TEXT_FONT, _cmap
from .schema import Config

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"

# Named value types, by the constraints they carry (an alias is gone once pydantic has read it).
_ALIASES: list[tuple[Any, str]] = [
    (schema.Key, "key: a-z, 0-9 and `_`, starting with a letter, at most 31"),
    (schema.Slug, "slug: a-z, 0-9, `.` and `-`"),
    (schema.Colour, "colour `#rrggbb`"),
    (schema.Length, "length: a number with mm, cm, pt or in"),
    (schema.PathPart, "text usable in a file name"),
    (schema.FontFile, "font file (.ttf, .otf, .woff, .woff2)"),
    (schema.ImageFile, "picture (.png, .jpg, .jpeg, .svg)"),
]
for _name, _label in (("HyphenWord", "one word"), ("HyphenBreaks", "the word with `-` where it may break"),
                      ("Phrase", "text")):
    if hasattr(schema, _name):
        _ALIASES.append((getattr(schema, _name), _label))

# The symbols people reach for, whose coverage the reference lists.
COMMON_SYMBOLS = "✓✔✗✘⏸⏳⌛⏱⏹⏺→←↑↓↗↘●○◐◑◒◓◔◕◖◗■□▲△▼▽◆◇★☆⚠⬤⭘⭐"


def _constraints(metadata: list[Any]) -> str:
    for alias, label in _ALIASES:
        parts = typing.get_args(alias)[1:]
        if parts and all(any(p is m or p == m for m in metadata) for p in parts):
            return label
    return ""


def type_name(annotation: Any, metadata: list[Any] | None = None) -> str:
    """A key's type in words."""
    named = _constraints(metadata or [])
    if named:
        return named
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(args[0], list(args[1:]))
    if origin in (Union, types.UnionType):
        shown = [type_name(a) for a in args if a is not type(None)]
        text = " or ".join(dict.fromkeys(shown))
        return f"{text} or null" if type(None) in args else text
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"mapping: {type_name(args[0])} → {type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    return {str: "text", int: "whole number", float: "number", bool: "true or false", dt.date: "date YYYY-MM-DD",
            Path: "path", type(None): "null"}.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _rules(info: FieldInfo) -> str:
    """Bounds on a value: length, range."""
    found = []
    for item in info.metadata:
        for attr, word in (("min_length", "at least {} long"), ("max_length", "at most {} long"),
                           ("ge", "≥ {}"), ("gt", "> {}"), ("le", "≤ {}"), ("lt", "< {}")):
            value = getattr(item, attr, None)
            if value is not None and not (attr == "min_length" and value == 1):
                found.append(word.format(value))
            elif attr == "min_length" and value == 1:
                found.append("not empty")
    return ", ".join(found)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    value = info.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "(see below)"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value == "" or value == [] or value == {}:
        return f"`{value!r}`".replace("''", '""')
    return f"`{value}`"


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models a key's value is made of (itself, a list of them, an optional one)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _split(doc: str) -> tuple[str, str]:
    """A docstring's meaning and its example (after a final ``Example:``)."""
    text = " ".join(doc.split())
    meaning, sep, example = text.rpartition(" Example: ")
    return (meaning, example) if sep else (text, "")


@functools.cache
def _attribute_docs() -> dict[str, dict[str, str]]:
    """Model name -> field -> the docstring under the field, read from the schema's source (what
    pydantic's ``use_attribute_docstrings`` does, at a cost every command would pay on import)."""
    docs: dict[str, dict[str, str]] = {}
    for node in ast.parse(inspect.getsource(schema)).body:
        if isinstance(node, ast.ClassDef):
            docs[node.name] = {field.target.id: inspect.cleandoc(doc.value.value)
                               for field, doc in itertools.pairwise(node.body)
                               if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)
                               and isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)
                               and isinstance(doc.value.value, str)}
    return docs


def description(model: type[BaseModel], name: str) -> str:
    """A field's description: the docstring under it, in its model or the model it inherits it from."""
    return next((docs[name] for cls in model.__mro__ if name in (docs := _attribute_docs().get(cls.__name__, {}))), "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _sections(model: type[BaseModel], path: str) -> Iterator[tuple[str, type[BaseModel], list[list[str]]]]:
    """(path, model, rows of its table), the model first, then its sub-models, depth first."""
    rows, below = [], []
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        meaning, example = _split(description(model, name))
        kind = type_name(info.annotation, info.metadata)
        subs = _models(info.annotation)
        key = f"{path}.{name}" if path else name
        many = typing.get_origin(info.annotation) is list
        if subs:
            below.append((f"{key}[]" if many else key, subs[0]))
            kind = "list of mappings" if many else ("mapping or null" if kind.endswith("or null") else "mapping")
        rules = _rules(info)
        rows.append([f"`{key}`", kind + (f"; {rules}" if rules else ""), _default(info), meaning,
                     f"`{example}`" if example else ""])
    yield path, model, rows
    for key, sub in below:
        yield from _sections(sub, key)


def undescribed() -> list[str]:
    """Keys of the schema that have no description (the test wants none)."""
    missing = []
    for path, model, _ in _sections(Config, ""):
        for name, info in model.model_fields.items():
            if not info.exclude and not description(model, name).strip():
                missing.append(f"{path}.{name}" if path else name)
    return missing


def _symbols() -> list[str]:
    fonts = [default_templates_dir() / FONTS_DIR / name for name in (TEXT_FONT, *SYMBOL_FONTS)]
    maps = {font.name: _cmap(str(font), 0, 0) or frozenset() for font in fonts}
    lines = [
        "## Symbols", "",
        "Every printed text of the configuration (status symbols and words, headings, labels, names, marks, cover "
        "and closing texts, the running line, `labels` under `report.` and `role.`) is checked when the "
        "configuration is loaded: a character that none of the report's fonts has would print as nothing, so it is "
        "an error (`config-glyph-missing`) that names the character, its code point, the fonts tried and the key's "
        "line. The fonts are the text font (`style.font`'s regular face, or the bundled Open Sans) and the bundled "
        "symbol fonts, each from the report's own `templates/assets/fonts/` first. Colour emoji (✅ ❌ 🟢) are in "
        "none of them.", "",
        "| symbol | code point | " + " | ".join(maps) + " |",
        "|---|---|" + "---|" * len(maps),
    ]
    for char in COMMON_SYMBOLS:
        marks = ["yes" if ord(char) in points else "" for points in maps.values()]
        lines.append(f"| {char} | U+{ord(char):04X} | " + " | ".join(marks) + " |")
    lines += ["", "What each bundled symbol font covers:", ""]
    for name in SYMBOL_FONTS:
        points = sorted(maps[name])
        ranges = _ranges(points)
        lines.append(f"- `{name}`: {len(points)} characters in " + ", ".join(ranges))
    lines += ["", "The fonts, their origin and licences: `templates/assets/fonts/README.md`."]
    return lines


def _kinds() -> list[str]:
    """Every kind of field (``reportgen/fields/``), from its module's own description."""
    lines = ["## Field kinds", "",
             "A field's `kind` says what it holds: how its sheet cell is written and read, what check finds wrong, how "
             "the report prints it, its type in the open data, how `diff` compares it and the next round carries it. "
             "Each kind is one module of `reportgen/fields/`.", "",
             "| kind | keys it takes | Table Schema type | what it is |", "|---|---|---|---|"]
    for name, kind in sorted(KINDS.items(), key=lambda item: (item[0] != "text", item[0])):
        doc = " ".join((sys.modules[type(kind).__module__].__doc__ or "").split()).replace("``", "`")
        table = kind.table_type + (f" ({kind.table_format})" if kind.table_format else "")
        options = ", ".join(f"`{option}`" for option in sorted(kind.options)) or "—"
        lines.append(f"| `{name}` | {options} | {table} | {_cell(doc)} |")
    return [*lines, ""]


def _ranges(points: list[int]) -> list[str]:
    """Code points as ranges (gaps of a few unassigned points closed)."""
    spans: list[list[int]] = []
    for point in points:
        if spans and point <= spans[-1][1] + 16:
            spans[-1][1] = point
        else:
            spans.append([point, point])
    return [f"U+{lo:04X}–U+{hi:04X}" for lo, hi in spans]


def reference() -> str:
    """The whole document."""
    lines = [
        "# Configuration reference", "",
        "<!-- Made by `python -m reportgen.configuration.reference --write` from reportgen/configuration/schema.py;"
        " do not edit by hand: tests/test_reference.py fails when this file and the schema disagree. -->", "",
        "A report is configured by one YAML file (`report.yaml`, found in the working folder, else as "
        "`inputs/report.yaml`, unless `-c` names it; `reportgen new` writes a commented one). Paths in it "
        "are relative to its folder, and so are the outputs: `build/` and `archive/` are made beside it unless "
        "`--out` or `--archive` say otherwise. Unknown keys are warned about (`config-unknown-key`, with the known "
        "key of that place they are most like); every invalid "
        "value is an error with its key and line, in the report's language. YAML anchors and aliases are refused.", "",
        "Every key below, with its type, its default and what it does. `[]` after a key: a list of such mappings.",
        "Running a round (sheets out, collecting, filling sheets by script): [round.md](round.md).", "",
    ]
    for path, model, rows in _sections(Config, ""):
        title = f"`{path}`" if path else "Top level"
        lines += [f"## {title}", ""]
        doc = " ".join((model.__doc__ or "").split()) if model is not Config else ""
        if doc and not doc.startswith(model.__name__ + "("):
            lines += [doc, ""]
        lines += ["| key | type | default | meaning | example |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
        lines.append("")
    lines += _kinds()
    lines += _symbols()
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = reference()
    if "--write" in args:
        DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
        DOCUMENT.write_text(text, encoding="utf-8")
        print(DOCUMENT)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
