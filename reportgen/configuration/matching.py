"""Which item of a configuration a name means: a theme by its number or heading, a committee or an
administration by its key, name or short name, a status by its key or label, a field by its key or
label. Used to carry an earlier edition's choices over (``round.carry``) and to check that mapping.
"""

from __future__ import annotations

from typing import Literal

from .schema import Config

Kind = Literal["themes", "committees", "administrations", "statuses", "fields"]
KINDS: tuple[Kind, ...] = ("themes", "committees", "administrations", "statuses", "fields")


def fold(text: object) -> str:
    """A name as it is compared: case and spacing do not matter."""
    return " ".join(str(text).split()).casefold()


def names_of(config: Config, kind: Kind) -> list[tuple[int | str, list[str]]]:
    """Every item of one kind: its identity (a theme's number, the others' key) and the names it
    goes by."""
    if kind == "themes":
        return [(t.number, [str(t.number), t.heading, f"{t.number}. {t.heading}"]) for t in config.themes]
    if kind in ("committees", "administrations"):
        return [(c.key, [c.key, c.name, *([c.short] if c.short else [])])
                for c in (config.committees if kind == "committees" else config.administrations)]
    if kind == "statuses":
        return [(s.key, [s.key, s.label]) for s in config.statuses]
    return [(f.key, [f.key, f.label]) for f in config.fields]


def find(config: Config, kind: Kind, name: object) -> int | str | None:
    """The item ``name`` means (a theme's number, another item's key), or None."""
    if name is None or (isinstance(name, str) and not name.strip()):
        return None
    wanted = fold(name)
    for identity, known in names_of(config, kind):
        if wanted in {fold(n) for n in known}:
            return identity
    return None
