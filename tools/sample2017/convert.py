"""Convert the published "Status på handlingskatalog 2017" into the shipped sample sheets.

    python tools/sample2017/convert.py [--reference FILE] [--config inputs/report.yaml] [--out inputs/sheets]

Input: the text extracted from the published PDF (``reference.txt`` beside this script, a copy of
``shared/reference/000_…txt``), with the extraction's scars: words hyphenated at line ends,
running headers and page numbers, the theme's side label repeated on pages, titles in mixed
small caps, paragraphs and bullets broken over lines and columns.

Output: one standard sheet per action (50), made with reportgen's own template writer, and the
table of inferred statuses in ``inputs/README.md``. Every decision the conversion takes is a
rule in this file, so the sample can be regenerated and reviewed; except how a text names a
committee or an administration, which is read by reportgen's own matcher (``reportgen.mentions``)
with the names and aliases of the configuration, as ``reportgen check`` reads it.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.configuration import Config, load_config, slugify  # noqa: E402
from reportgen.mentions import administration_matcher, committee_matcher  # noqa: E402
from reportgen.model import Action, Role  # noqa: E402
from reportgen.sheets.template import write_template  # noqa: E402

# --- The document's structure ---------------------------------------------------------------

FIELD_LABELS = [  # label in the PDF -> field key in inputs/report.yaml, in the published order
    ("Mål", "maal"), ("Tid", "tid"), ("Udvalg", "udvalg"), ("Interessenter", "interessenter"),
    ("Adm. forankring", "adm_forankring"), ("Handling", "handling"), ("Pol. proces", "pol_proces"),
    ("Adm. proces", "adm_proces"), ("Involverede", "involverede"), ("Milepæle", "milepaele"),
    ("Målopfyldelse", "maalopfyldelse"),
]
THEME_FIRST_ACTION = {1: 1, 2: 7, 3: 17, 4: 20, 5: 25}
RUNNING_HEADER = re.compile(r"^\d{1,2} \[ ?STATUS PÅ HANDLINGSKATALOG 2017 ?\] Version 2\.6\.2017$")
PAGE_NUMBER = re.compile(r"^\d{1,2}$")
# The theme's label, printed in the margin of its pages, comes out of the extraction as lines.
SIDE_LABELS = [
    ["attraktiV", "boSætningSkommune", "flere indbyggere", "et godt Sted at bo"],
    ["mere i gang i erhVerV og turiSme", "flere job", "og", "kValificeret", "arbejdSkraft"],
    ["flere job", "og", "kValificeret", "arbejdSkraft"],
    ["flere unge", "får uddannelSe"],
    ["Forbedring af rammeVilkår"],
    ["dit gode liV Sundhed og triVSel", "meStre eget liV"],
]
OVERVIEW_START = "ATTRAKTIV BOSÆTNINGSKOMMUNE"
# Responsible persons, as printed in the published responsibility matrix.
PERSONS = [
    "Jakob Kruuse", "Kristian Olsen", "Anders Stryhn", "Lars Haagensen", "Martin Storgaard", "Anne Ringgren",
    "Gitte Clausen", "Lisbeth Kromann", "Jannie Knudsen", "Søren Andreasen", "Diana Lübbert", "Noel Mignon",
    "Kell Agerbo", "Karen Melcior", "Henrik Hugo Pedersen", "Ingelise Hornshøj", "Uffe Viegh J.", "Pil Rahbek",
    "Susanne H. Hansen", "Ulla Tjell",
]
# Words that keep their capital in a title though the body text never shows them mid-sentence.
TITLE_WORDS = {"jammerbugt": "Jammerbugt", "kommune": "Kommune", "compact": "Compact", "mayors": "Mayors",
               "vuc": "VUC", "bostøtte": "bostøtte"}

# Committees and administrations come from each action's own fields, read by reportgen's own
# matcher (reportgen.mentions) with the names, aliases and "all of them" phrases of the sample's
# configuration (inputs/report.yaml): the very reading `reportgen check` compares the marks with.

# --- Statuses: only colours in the published PDF, so inferred from "Målopfyldelse" -----------

# The statuses of inputs/report.yaml: "Afsluttet, hovedmålsætningen er indfriet", "Igangsat, på vej",
# "Realiseres ikke i nuværende form". There is no "not started": a text saying the work has not begun
# gets the one legend that does not say it has ("Realiseres ikke i nuværende form").
NOT_STARTED = r"(endnu )?ikke (er |blevet )?(igangsat|påbegyndt|startet|iværksat)"
STATUS_RULES = [  # (status, pattern): the first rule that matches decides (see inputs/README.md)
    ("ikke", r"realiseres ikke|ikke (blevet )?realiseret|ikke i nuværende form|er opgivet|ikke (er )?etableret|"
             r"ikke (blevet )?gennemført|stillet i bero|" + NOT_STARTED),
    ("afsluttet", None),  # a sentence that says the goal is met: GOAL_MET without a HEDGE
    ("igang", r"delvis|forventes|på vej|i gang|igangsat|iværksat|løbende|fortsætter|fortsættelse|videreføres|"
              r"planmæssigt|udsat|arbejdes|pågår|afventer|videreudvikles|begyndt|afprøves|rette vej|milepæl|"
              r"påtænkte|for tidligt"),
    ("afsluttet", r"er gennemført|er afsluttet"),
]
# "Målene opfyldt", "Målsætningen er opfyldt", "Hovedmålene om … er opfyldt", "vurderes målet at være indfriet"
GOAL_MET = re.compile(r"\b\w*mål\w*\b[^.]*?\b(opfyldt|nået|indfriet)\b")
# … but not when the same sentence says it is not, not yet, only in part, or asks whether it is:
# "forventes opfyldt", "med de … påtænkte aktiviteter", "i første omgang", "se om … er indfriet".
HEDGE = re.compile(r"\bikke\b|\bendnu\b|forvent|påtænk|i første omgang|delvis|\b(se|vurdere|afgøre) om\b|hvorvidt")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ•])|\n+")
DEFAULT_STATUS = "igang"
# Where the status is read: the owner's own verdict, "Målopfyldelse"; when that is empty, the fields
# that say how the work stands (action 46 says it only under "Adm. proces").
STATUS_FIELD = "maalopfyldelse"
FALLBACK_FIELDS = ("adm_proces", "pol_proces", "milepaele")


# --- Cleaning ----------------------------------------------------------------------------------


# The extraction put a subscript on a line of its own ("CO", "", "2", "-udledningen"); the text
# also writes "CO2" plainly. Both are printed as chemistry: CO₂.
SUBSCRIPT = re.compile(r"\b(CO|NOx|SO|CH)\n\s*\n([0-9])\n(?=[-\w])")
CHEMISTRY = re.compile(r"\bCO2\b")


def load_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    for space in ("\u2009", "\u00a0", "\u202f", "\u2002", "\u2003"):
        text = text.replace(space, " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = SUBSCRIPT.sub(lambda m: m[1] + chr(0x2080 + int(m[2])), text)
    text = CHEMISTRY.sub("CO\u2082", text)
    return text.split("\n")


def strip_noise(lines: list[str]) -> list[str]:
    """Drop running headers, page numbers and the side labels; keep blank lines."""
    out, i = [], 0
    while i < len(lines):
        stripped = lines[i].strip()
        if RUNNING_HEADER.match(stripped) or PAGE_NUMBER.match(stripped):
            i += 1
            continue
        skip = _side_label_at(lines, i)
        if skip:
            i += skip
            continue
        out.append(lines[i])
        i += 1
    return out


def _side_label_at(lines: list[str], i: int) -> int:
    """How many lines from i form a side label (blank lines inside it included), or 0."""
    for label in SIDE_LABELS:
        j, k = i, 0
        while k < len(label) and j < len(lines):
            if not lines[j].strip():
                j += 1
                continue
            if lines[j].strip() != label[k]:
                break
            j, k = j + 1, k + 1
        if k == len(label):
            return j - i
    return 0


_TERMINAL = tuple('.!?:;”"…)')


def unbroken_hyphenated(lines: list[str]) -> set[str]:
    """Hyphenated words the document writes inside a line: a break at their hyphen keeps it."""
    return {w.lower() for line in lines for w in re.findall(r"\w+-\w+", line[:-1])}


def join_lines(lines: list[str], keep: set[str]) -> str:
    """Join the lines of one paragraph, undoing the hyphenation at line ends."""
    text = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if not text:
            text = line
        elif text.endswith("-") and not text.endswith(" -"):
            text = _join_hyphen(text, line, keep)
        elif text.endswith("/"):  # "Krabben/" + "SAH": a slash at a line's end joins two words
            text = f"{text}{line}"
        else:
            text = f"{text} {line}"
    return re.sub(r"\s{2,}", " ", text).strip()


def _join_hyphen(left: str, right: str, keep: set[str]) -> str:
    head = re.search(r"(\w+)-$", left)
    first = re.match(r"[\w”\"]+", right)
    head_word, first_word = (head[1] if head else ""), (first[0] if first else "")
    if first_word in ("og", "eller", "samt", "til"):       # "Teknik- og Miljøudvalget"
        return f"{left} {right}"
    if (not first_word[:1].islower() or head_word[-1:].isdigit() or head_word.isupper()
            or f"{head_word}-{first_word}".lower() in keep):  # "Jyllands-Posten", "2016-17", "IT-"
        return f"{left}{right}"
    return f"{left[:-1]}{right}"                                 # "befolk-" + "ningsudvikling"


def paragraphs(lines: list[str], keep: set[str]) -> str:
    """Cell text for one field: paragraphs split by blank lines, "•" bullets one to a line.

    A paragraph that a column or page break cut in two (it does not end a sentence, and the
    next part starts in lower case) is joined again.
    """
    items: list[list] = []  # [is_bullet, [lines]]
    new_block = True
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            new_block = True
            continue
        if line.startswith("•"):
            items.append([True, [line.lstrip("•").strip()]])
        elif new_block and items and _continues(items[-1], line, keep, lines[index:]):
            items[-1][1].append(line)
        elif new_block or not items:
            items.append([False, [line]])
        else:
            items[-1][1].append(line)
        new_block = False
    out = ""
    for index, (bullet, item_lines) in enumerate(items):
        text = join_lines(item_lines, keep)
        if index:
            out += "\n" if bullet and items[index - 1][0] else "\n\n"
        out += f"• {text}" if bullet else text
    return out.strip()


_OPEN_ENDINGS = {"i", "og", "at", "for", "med", "til", "af", "på", "om", "som", "en", "et", "den", "det", "de",
                 "der", "fra", "ved", "samt", "eller", "hvor", "mellem", "under", "efter", "inden", "over"}


def _continues(previous: list, line: str, keep: set[str], rest: list[str]) -> bool:
    """Is ``line``, the first of a new block (``rest`` from it on), the rest of the previous
    paragraph or bullet?"""
    last = join_lines(previous[1], keep)
    if not last or last.endswith(_TERMINAL):
        return False
    last_word = last.rsplit(" ", 1)[-1]
    return (line[:1].islower() or last.endswith(("-", "/")) or last_word in _OPEN_ENDINGS
            or _short_tail(previous, rest))


def _short_tail(previous: list, rest: list[str]) -> bool:
    """A bullet's last word or two, cut off by a column break onto a line of their own
    ("• Understøtte campustanken ved Fjerritslev" / "Gymnasium")."""
    end = next((i for i, ln in enumerate(rest) if i and (not ln.strip() or ln.strip().startswith("•"))), len(rest))
    tail = [ln.strip() for ln in rest[:end]]
    return previous[0] and len(tail) == 1 and len(tail[0].split()) <= 3


# --- Structure ---------------------------------------------------------------------------------


@dataclasses.dataclass
class RawAction:
    number: int
    title_lines: list[str]
    body: list[str]


_HEADING = re.compile(r"^\s*(\d{1,2})\. (\S.*)$")


def split_actions(lines: list[str]) -> tuple[list[RawAction], dict[int, list[str]], list[str]]:
    """The 50 actions, the theme intros (before actions 1, 7, 17, 20, 25) and the matrices."""
    actions: list[RawAction] = []
    intros: dict[int, list[str]] = {}
    first_theme = {a: t for t, a in THEME_FIRST_ACTION.items()}
    end = next(i for i, ln in enumerate(lines) if ln.strip() == OVERVIEW_START)
    i = next(i for i, ln in enumerate(lines) if ln.strip().startswith("Målet er at fastholde"))
    expected, current = 1, None
    while i < end:
        match = _HEADING.match(lines[i])
        if match and int(match[1]) == expected and not match[2][:1].isdigit():
            title = [match[2]]
            i += 1
            while i < end and lines[i].strip():
                title.append(lines[i])
                i += 1
            current = RawAction(expected, title, [])
            actions.append(current)
            expected += 1
            continue
        stripped = lines[i].strip()
        if (expected in first_theme and stripped.startswith("Målet er")
                and (current is None or _past_last_field(current))):
            intros[first_theme[expected]] = []
            current = None
        if current is None and expected in first_theme:
            intros.setdefault(first_theme[expected], []).append(lines[i])
        elif current is not None:
            current.body.append(lines[i])
        i += 1
    return actions, intros, lines[end:]


def _past_last_field(action: RawAction) -> bool:
    return any(line.strip().startswith("Målopfyldelse:") for line in action.body)


def split_fields(body: list[str]) -> dict[str, list[str]]:
    """The description and each labelled field (a label counts at the start of a line).

    A label printed twice (action 18 has two "Milepæle:") adds a paragraph to the same field.
    """
    fields: dict[str, list[str]] = {"beskrivelse": []}
    current = "beskrivelse"
    for line in body:
        stripped = line.strip()
        for label, key in FIELD_LABELS:
            if re.match(rf"^{re.escape(label)}\s*:", stripped):
                current = key
                line = stripped[stripped.index(":") + 1:]
                if key in fields:
                    fields[key].append("")
                fields.setdefault(key, [])
                break
        fields[current].append(line)
    return fields


def proper_words(lines: list[str]) -> set[str]:
    """Words the body text writes capitalised in mid-sentence, and never in lower case."""
    upper, lower = Counter(), Counter()
    for line in lines:
        for previous, word in re.findall(r"(\S?)\s+([A-Za-zÆØÅæøå]+)", line):
            if word[0].isupper() and previous not in (".", ":", "•", ""):
                upper[word.lower()] += 1
            elif word[0].islower():
                lower[word] += 1
    return {w for w in upper if w not in lower}


def title_case(lines: list[str], proper: set[str], keep: set[str]) -> str:
    raw = join_lines([ln.strip() for ln in lines], keep).lower()
    words = []
    for index, word in enumerate(raw.split(" ")):
        bare = word.strip(",.")
        if bare in TITLE_WORDS:
            word = word.replace(bare, TITLE_WORDS[bare])
        elif bare in proper or index == 0:
            word = word[:1].upper() + word[1:]
        words.append(word)
    return " ".join(words)


def responsible_persons(matrix: list[str]) -> dict[int, str]:
    """Action number -> person, from the published responsibility matrix."""
    rows: dict[int, str] = {}
    current = None
    for line in matrix:
        match = re.match(r"^\s*(\d{1,2}) (.*)$", line)
        if match:
            current = int(match[1])
            rows[current] = match[2]
        elif current is not None and line.strip() and not re.search(r"(\s[xX])+\s*$", rows[current]):
            rows[current] += " " + line.strip()  # a title on two lines; the row ends with its marks
        else:
            current = None
    persons = {}
    for number, row in rows.items():
        row = re.sub(r"(\s+[xX])+\s*$", "", row.strip())
        person = next((p for p in PERSONS if row.endswith(p)), None)
        if person:
            persons[number] = person  # the responsibility matrix comes after the overview
    return persons


def committees_of(text: str, config: Config) -> tuple[str, ...]:
    """The committees the *Udvalg* text names, in the configuration's order."""
    named = set(committee_matcher(config).keys(text))
    return tuple(c.key for c in config.committees if c.key in named)


def administrations_in(text: str, config: Config) -> list[str]:
    """The administrations a text names, in the order it names them."""
    return administration_matcher(config).keys(text)


def roles_of(forankring: str, interessenter: str, config: Config) -> dict[str, Role]:
    """The first administration named under *Adm. forankring* has the anchoring; the others named
    there or under *Interessenter* have an interest."""
    anchored = administrations_in(forankring, config)
    anchor = anchored[0] if anchored else None
    interest = set(administrations_in(interessenter, config)) | set(anchored[1:])
    return {a.key: Role.ANCHORING if a.key == anchor else (Role.INTEREST if a.key in interest else Role.NONE)
            for a in config.administrations}


def infer_status(text: str) -> tuple[str, str]:
    """(status key, the words that decided it), by the first rule of STATUS_RULES that matches."""
    folded = text.lower()
    for status, pattern in STATUS_RULES:
        match = _goal_met(folded) if pattern is None else re.search(pattern, folded)
        if match:
            return status, match if isinstance(match, str) else match[0]
    return DEFAULT_STATUS, ""


def _goal_met(folded: str) -> str:
    """The words of the first sentence that says the goal is met, unhedged; or ""."""
    for sentence in SENTENCE_END.split(folded):
        match = GOAL_MET.search(sentence)
        if match and not HEDGE.search(sentence):
            return match[0]
    return ""


def action_status(texts: dict[str, str]) -> tuple[str, str, str]:
    """(status key, the words that decided it, the field they are in) for one action's texts:
    from "Målopfyldelse", or, when it is empty, from the first of FALLBACK_FIELDS that decides."""
    if texts.get(STATUS_FIELD, "").strip():
        return (*infer_status(texts[STATUS_FIELD]), STATUS_FIELD)
    for key in FALLBACK_FIELDS:
        status, words = infer_status(texts.get(key, ""))
        if words:
            return status, words, key
    return DEFAULT_STATUS, "", ""


# --- Putting it together ------------------------------------------------------------------------


@dataclasses.dataclass
class Converted:
    actions: list[Action]
    intros: dict[int, str]
    reasons: dict[int, tuple[str, str]]  # number -> (the deciding words, their field's key)


def convert(reference: Path, config: Config) -> Converted:
    lines = strip_noise(load_lines(reference))
    keep = unbroken_hyphenated(lines)
    raw_actions, raw_intros, matrix = split_actions(lines)
    proper = proper_words([ln for a in raw_actions for ln in a.body])
    persons = responsible_persons(matrix)
    theme_of = {}
    for theme, first in sorted(THEME_FIRST_ACTION.items()):
        for number in range(first, 51):
            theme_of[number] = theme
    actions, reasons = [], {}
    for raw in raw_actions:
        texts = {key: paragraphs(body, keep) for key, body in split_fields(raw.body).items()}
        status, words, field = action_status(texts)
        reasons[raw.number] = (words, field)
        actions.append(Action(
            number=raw.number, title=title_case(raw.title_lines, proper, keep), theme=theme_of[raw.number],
            status=status, responsible=persons.get(raw.number, ""),
            committees=committees_of(texts.get("udvalg", ""), config),
            roles=roles_of(texts.get("adm_forankring", ""), texts.get("interessenter", ""), config),
            texts={f.key: texts.get(f.key, "") for f in config.fields},
        ))
    intros = {theme: paragraphs(body, keep) for theme, body in raw_intros.items()}
    return Converted(actions, intros, reasons)


def sheet_name(action: Action) -> str:
    words = slugify(action.title).split("-")
    return f"{action.number:02d}-{'-'.join(words[:4])}.xlsx"


def write_sheets(converted: Converted, config: Config, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.xlsx"):
        old.unlink()
    return [write_template(config, out / sheet_name(a), a) for a in converted.actions]


def status_table(converted: Converted, config: Config) -> str:
    rows = ["| Nr. | Handling | Udledt status | Afgjort af ordene |", "|---:|---|---|---|"]
    for action in converted.actions:
        label = config.status(action.status).label
        words, key = converted.reasons[action.number]
        why = f"“{words}”" if words else "(ingen: standard)"
        if words and key != STATUS_FIELD:
            why += f" ({next(f.label for f in config.fields if f.key == key)})"
        rows.append(f"| {action.number} | {action.title} | {label} | {why} |")
    return "\n".join(rows)


def update_readme(readme: Path, table: str) -> None:
    start, end = "<!-- statuses:start -->", "<!-- statuses:end -->"
    text = readme.read_text(encoding="utf-8")
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    readme.write_text(f"{before}{start}\n{table}\n{end}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--reference", type=Path, default=HERE / "reference.txt")
    parser.add_argument("--config", type=Path, default=ROOT / "inputs" / "report.yaml")
    parser.add_argument("--out", type=Path, default=None, help="default: the configured sheets folder")
    parser.add_argument("--print-intros", action="store_true", help="print the cleaned theme intros")
    args = parser.parse_args(argv)
    config, _ = load_config(args.config)
    converted = convert(args.reference, config)
    if args.print_intros:
        for theme, text in converted.intros.items():
            print(f"--- theme {theme}\n{text}\n")
        return 0
    paths = write_sheets(converted, config, args.out or config.sheets_dir)
    readme = args.config.parent / "README.md"
    if readme.is_file():
        update_readme(readme, status_table(converted, config))
    print(f"{len(paths)} sheets written to {paths[0].parent}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
