"""Text: paragraphs, line breaks and bullets, printed as cell text (the default kind)."""

from __future__ import annotations

from typing import ClassVar

from .base import FieldKind, register


@register
class Text(FieldKind):
    name = "text"
    row_height: ClassVar[float | None] = 120
    long = True
