"""Report folders of any shape: the sample is one shape, these are the others.

A :class:`Shape` is a whole report in a few lists: the language, the statuses' labels, the themes'
headings, the committees, the administrations, the fields and the actions (number, title, theme,
status, marks, texts). :func:`write_report` makes a real report folder of it (``report.yaml`` and one
standard sheet per action, written by reportgen's own template writer), and :func:`shapes` is the
Hypothesis strategy that draws them within the ranges a real organisation's plan has: 2-10 statuses
with labels up to 40 characters, 1-12 themes, 0-20 committees and administrations, numbers
1-9999, titles 1-250 characters, empty and very long fields, Danish and English.

A shape's ``repr`` is Python that makes it again: a failing example printed by Hypothesis (or by
``python -m tests.shapes``) can be pasted into an ``@example`` and replayed.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import yaml
from hypothesis import strategies as st

from reportgen.configuration import load_config
from reportgen.model import Action, Role
from reportgen.sheets.template import write_template

# Words of real plans (real words, so a hyphenation dictionary knows them; long compounds included).
WORDS = {
    "da": ("kommune borgere indsats handling udvikling bosætning erhverv turisme uddannelse sundhed trivsel "
           "beskæftigelse samarbejde virksomheder landdistrikter kommunalbestyrelsen forvaltningen udvalget "
           "målsætning strategi planlægning børn unge familier ældre skole daginstitution fritid kultur natur "
           "miljø klima energi trafik cykelstier infrastruktur bredbånd mobiltelefoni boliger byudvikling "
           "handlingskatalog bosætningskommune kvalificeret arbejdskraft rammevilkår iværksættere netværk "
           "frivillige foreninger lokalsamfund digitalisering sagsbehandling rehabilitering forebyggelse "
           "sundhedsfremme medarbejdere ledere økonomi budget tilsyn evaluering opfølgning status projekt "
           "igangsat afsluttet videreført politisk administrativ proces milepæl tidsplan borgermøde "
           "erhvervsservice turismefremme uddannelsesvejledning beskæftigelsesindsats ungdomsuddannelse").split(),
    "en": ("council community action plan climate change emissions renewable energy transport cycling walking "
           "housing development planning biodiversity habitat restoration water management stormwater drainage "
           "waste recycling circular economy procurement fleet electric vehicles charging infrastructure "
           "buildings efficiency retrofit residents businesses partnership engagement education awareness "
           "program delivery monitoring reporting targets milestones budget funding grant officer manager "
           "coordinator department services operations sustainability resilience adaptation heatwave flooding "
           "coastal erosion vegetation canopy trees parks reserves wildlife corridors neighbourhood precinct "
           "regional strategy framework assessment consultation implementation completed underway delayed "
           "environmental infrastructure accessibility affordability community-led stakeholder").split(),
}
PEOPLE = ("Anne Sørensen", "Bo Jensen", "Carla Møller-Nielsen", "David Smith", "Eleanor Whitfield-Hargreaves",
          "Farah Haddad", "Gustav Østergaard")
SYMBOLS = ("●", "◐", "○", "✓", "✗", "■", "□", "▲", "◆", "★")  # all in the bundled fonts (docs: Symbols)
STATUS_TINTS = ("#f4f4f4", "#e3eef8", "#c9e2b8", "#fbe29a", "#f6c9a0", "#f2b4ac", "#d9c8ec", "#bcd9d6",
                "#e8d8b0", "#d0d0d0")
THEME_COLOURS = ("#1f5f8b", "#2d6e46", "#7a3b69", "#8a4b08", "#4b4b8f", "#255e5e", "#7b2d26", "#3d5a1e",
                 "#5b3a8a", "#1d4f73", "#6b4226", "#2f4f4f")


@dataclasses.dataclass(frozen=True)
class ActionSpec:
    number: int
    title: str
    theme: int                          # index into Shape.themes
    status: int                         # index into Shape.statuses
    responsible: str
    committees: tuple[int, ...] = ()    # indexes into Shape.committees (at least one when there are any)
    anchoring: int | None = None        # index into Shape.administrations (one when there are any)
    interests: tuple[int, ...] = ()     # indexes into Shape.administrations
    texts: tuple[str, ...] = ()         # one per field of Shape.fields ("" for empty)


@dataclasses.dataclass(frozen=True)
class Shape:
    language: str
    statuses: tuple[str, ...]           # labels, unique
    themes: tuple[str, ...]             # headings
    committees: tuple[str, ...]         # names, unique
    administrations: tuple[str, ...]    # names, unique
    fields: tuple[str, ...]             # labels; the first is the description (printed without its label)
    actions: tuple[ActionSpec, ...]
    title: str = "Status"


def configuration(shape: Shape) -> dict[str, object]:
    """The shape's ``report.yaml``, as data."""
    return {
        "report": {"title": shape.title, "edition": "2030", "version": "1.0", "date": "2030-05-31",
                   "organisation": "Shape Council", "language": shape.language},
        "cover": {"text": " ".join(WORDS[shape.language][:30])},
        "front_matter": [{"heading": "Intro", "text": " ".join(WORDS[shape.language][10:90])}],
        "closing": "**Shape Council**",
        "themes": [{"number": i + 1, "heading": heading, "colour": THEME_COLOURS[i % len(THEME_COLOURS)],
                    "intro": " ".join(WORDS[shape.language][i:i + 40])} for i, heading in enumerate(shape.themes)],
        "fields": [{"key": f"f{i}", "label": label, "required": False, "show_label": i > 0}
                   for i, label in enumerate(shape.fields)],
        "committees": [{"key": f"c{i}", "name": name} for i, name in enumerate(shape.committees)],
        "administrations": [{"key": f"a{i}", "name": name} for i, name in enumerate(shape.administrations)],
        "statuses": [{"key": f"s{i}", "label": label, "legend": f"{label}: {' '.join(WORDS[shape.language][i:i + 6])}",
                      "colour": STATUS_TINTS[i % len(STATUS_TINTS)], "symbol": SYMBOLS[i % len(SYMBOLS)]}
                     for i, label in enumerate(shape.statuses)],
        "sheets": {"folder": "sheets"},
    }


def action(spec: ActionSpec, shape: Shape) -> Action:
    roles = {f"a{i}": Role.NONE for i in range(len(shape.administrations))}
    roles |= {f"a{i}": Role.INTEREST for i in spec.interests}
    if spec.anchoring is not None:
        roles[f"a{spec.anchoring}"] = Role.ANCHORING
    return Action(number=spec.number, title=spec.title, theme=spec.theme + 1, status=f"s{spec.status}",
                  responsible=spec.responsible, committees=tuple(f"c{i}" for i in sorted(spec.committees)),
                  roles=roles, texts={f"f{i}": text for i, text in enumerate(spec.texts)})


def write_report(folder: Path, shape: Shape) -> Path:
    """A report folder of the shape: its configuration and one filled standard sheet per action."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.yaml"
    path.write_text(yaml.safe_dump(configuration(shape), allow_unicode=True, sort_keys=False), encoding="utf-8")
    config, _ = load_config(path)
    (folder / "sheets").mkdir(exist_ok=True)
    for spec in shape.actions:
        write_template(config, folder / "sheets" / f"{spec.number:04d}.xlsx", action(spec, shape))
    return path


# --- Hypothesis strategies ----------------------------------------------------------------------------


def _phrase(language: str, min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """Words of the language, joined, cut to at most ``max_size`` characters (at a space)."""
    words = st.lists(st.sampled_from(WORDS[language]), min_size=1, max_size=max(1, max_size // 4))

    def join(chosen: list[str]) -> str:
        text = " ".join(chosen)
        if len(text) > max_size:
            text = text[:max_size].rsplit(" ", 1)[0] or text[:max_size]
        return text[:1].upper() + text[1:]
    return words.map(join).filter(lambda s: len(s) >= min_size)


def _unique_phrases(language: str, size: st.SearchStrategy[int], max_chars: int) -> st.SearchStrategy[tuple[str, ...]]:
    return size.flatmap(lambda n: st.lists(_phrase(language, 1, max_chars), min_size=n, max_size=n,
                                           unique_by=str.casefold).map(tuple))


def _text(language: str) -> st.SearchStrategy[str]:
    """A field's text: empty, a line, or several paragraphs (some with bullets)."""
    paragraph = _phrase(language, 1, 600)
    bullets = st.lists(_phrase(language, 1, 120), min_size=1, max_size=6).map(lambda b: "\n".join(f"• {x}" for x in b))
    return st.one_of(st.just(""), _phrase(language, 1, 80),
                     st.lists(st.one_of(paragraph, bullets), min_size=1, max_size=5).map("\n\n".join))


@st.composite
def _action(draw: st.DrawFn, shape: Shape, number: int) -> ActionSpec:
    n_comm, n_adm = len(shape.committees), len(shape.administrations)
    committees = draw(st.sets(st.integers(0, n_comm - 1), min_size=1, max_size=n_comm)) if n_comm else set()
    anchoring = draw(st.integers(0, n_adm - 1)) if n_adm else None
    interests = draw(st.sets(st.integers(0, n_adm - 1), max_size=n_adm)) - {anchoring} if n_adm else set()
    return ActionSpec(number=number, title=draw(_phrase(shape.language, 1, 250)),
                      theme=draw(st.integers(0, len(shape.themes) - 1)),
                      status=draw(st.integers(0, len(shape.statuses) - 1)),
                      responsible=draw(st.sampled_from(PEOPLE)), committees=tuple(sorted(committees)),
                      anchoring=anchoring, interests=tuple(sorted(interests)),
                      texts=tuple(draw(_text(shape.language)) for _ in shape.fields))


@st.composite
def shapes(draw: st.DrawFn, max_actions: int = 8) -> Shape:
    """A report of any shape a real plan has (see the module's docstring for the ranges)."""
    language = draw(st.sampled_from(("da", "en")))
    shape = Shape(
        language=language,
        statuses=draw(_unique_phrases(language, st.integers(2, 10), 40)),
        themes=draw(st.integers(1, 12).flatmap(lambda n: st.lists(_phrase(language, 1, 90), min_size=n, max_size=n)
                                               .map(tuple))),
        committees=draw(_unique_phrases(language, st.integers(0, 20), 60)),
        administrations=draw(_unique_phrases(language, st.integers(0, 20), 60)),
        fields=draw(_unique_phrases(language, st.integers(1, 6), 30)),
        actions=(),
        title=draw(_phrase(language, 1, 80)),
    )
    numbers = draw(st.lists(st.integers(1, 9999), min_size=1, max_size=max_actions, unique=True))
    return dataclasses.replace(shape, actions=tuple(draw(_action(shape, n)) for n in sorted(numbers)))


if __name__ == "__main__":  # python -m tests.shapes DIR: a report folder of one drawn shape, and its repr
    drawn = shapes().example()
    write_report(Path(sys.argv[1]), drawn)
    print(repr(drawn))


def council() -> Shape:
    """The shape that first broke a page: an English council's climate plan with 6 statuses of long labels,
    numbers 101-214, 200-character titles and no committees."""
    words = WORDS["en"]
    statuses = ("Phase not given", "Not started", "Planning under way", "Delivery under way — on track",
                "Delivery under way — delayed", "Completed")
    themes = ("Energy and emissions in council operations and the community",
              "Transport, movement and the places where people live and work", "Biodiversity and natural assets",
              "Water, waste and the circular economy", "Adaptation and resilience to a changing climate")
    numbers = (101, 102, 113, 120, 135, 150, 166, 180, 199, 214)

    def title(i: int) -> str:
        text = " ".join(words[(i * 7 + k) % len(words)] for k in range(40))
        return (text[:200].rsplit(" ", 1)[0]).capitalize()

    actions = tuple(ActionSpec(number=n, title=title(i), theme=i % len(themes), status=i % len(statuses),
                               responsible=PEOPLE[i % len(PEOPLE)], anchoring=i % 3, interests=((i + 1) % 3,),
                               texts=(" ".join(words[i:i + 60]).capitalize() + ".",
                                      " ".join(words[i + 5:i + 90]) + ".", "• " + " ".join(words[i:i + 12])))
                    for i, n in enumerate(numbers))
    return Shape(language="en", statuses=statuses, themes=themes, committees=(),
                 administrations=("Sustainability and Environment", "City Infrastructure", "Community Services"),
                 fields=("Description", "Progress", "Next steps"), actions=actions,
                 title="Climate Action Plan progress report")
