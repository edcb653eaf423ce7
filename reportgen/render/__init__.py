"""The catalogue as HTML, through Jinja2 templates (autoescaped, undefined variables are errors).

Templates are looked up first in the report's own ``templates/`` folder next to the
configuration, if there is one, then in the built-in templates: a municipality can replace any
single template or stylesheet by name without forking.
"""

from __future__ import annotations

import dataclasses
import traceback
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..configuration import ActionField, Config
from ..diff import ActionChange, after_title, describe_change
from ..fields import kind_of
from ..locales import Messages
from ..model import Action, Catalogue, Role
from ..paths import default_templates_dir
from ..problems import BuildError, Finding, Severity
from .assets import Assets
from .text import break_long_words, hyphenated, to_html, web_links, widest_unbroken, with_word_breaks


def template_dirs(config: Config) -> list[Path]:
    """The folders templates and assets come from, the report's own first."""
    own = config.base_dir / "templates"
    return ([own] if own.is_dir() else []) + [default_templates_dir()]


def environment(config: Config) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in template_dirs(config)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    months = config.messages("words.months")
    words = tuple(sorted(config.hyphenation.items()))
    env.filters["cell"] = lambda text: to_html(text, months, words)
    env.filters["field"] = lambda text, field: field_html(text, field, config.messages, months, words)
    env.filters["words"] = lambda text: with_word_breaks(text, words)
    heads = head_font(config)  # table heads are set semibold: their widest unbroken part, in mm at a size
    env.filters["head_width"] = lambda text, size_pt: widest_unbroken(text, words, heads, size_pt)
    env.filters["hyphenated"] = lambda text: hyphenated(text, config.report.language, words)
    env.filters["with_label"] = with_label
    env.filters["web_links"] = web_links
    mark = config.messages("words.decimal_mark")
    env.filters["megabytes"] = lambda size: size if isinstance(size, str) else megabytes(size, mark)
    return env


def head_font(config: Config) -> Path:
    """The semibold face the stylesheet sets table heads in: the configured font's, or the shipped one."""
    if config.style.font:
        face = next(face for face, weight, style in config.style.font.faces() if weight == 600 and style == "normal")
        return (config.base_dir / face).resolve()
    return default_templates_dir() / "assets" / "fonts" / "OpenSans-Semibold.ttf"


def megabytes(size: int, mark: str) -> str:
    """A file's size in megabytes, one decimal, with the language's decimal mark ("1,1")."""
    return f"{size / 1_000_000:.1f}".replace(".", mark)


def field_html(text: str, field: ActionField, t: Messages, months: str, words: tuple[tuple[str, str], ...]) -> Markup:
    """A field's value as safe HTML, as its kind prints it: text as cell text (paragraphs, bullets);
    any other kind as one paragraph, a link as a real link to its http(s) address (checked when read)."""
    kind = kind_of(field)
    if kind.long:
        return to_html(text, months, words)
    href = kind.href(text)
    if href:
        return Markup('<p><a class="field-link" href="{}">{}</a></p>').format(href, kind.printed(text, t))
    return Markup('<p>{}</p>').format(kind.printed(text, t))  # the label runs into it (with_label)


def totals(catalogue: Catalogue, actions: list[Action]) -> dict[str, str]:
    """The printed sum of each amount field configured with ``total: true`` over ``actions`` (by field key)."""
    fields = [field for field in catalogue.config.fields if field.total]
    sums = {field.key: sum((v for a in actions if isinstance(v := catalogue.values(a)[field.key], Decimal)), Decimal())
            for field in fields}
    return {field.key: kind_of(field).printed(str(sums[field.key]), catalogue.config.messages) for field in fields}


def with_label(html: Markup, label: str) -> Markup:
    """Run the field's label into the first paragraph, as the published report does ("Mål: …")."""
    strong = Markup('<strong class="label">{}:</strong> ').format(label)
    if html.startswith("<p>"):
        return Markup("<p>") + strong + Markup(html[3:])
    return Markup('<p class="label-only">') + strong.rstrip() + Markup("</p>") + html


def context(catalogue: Catalogue, changes: list[ActionChange] | None = None,
            assets: Assets | None = None) -> dict[str, Any]:
    config = catalogue.config
    assets = assets or Assets(config, template_dirs(config))
    catalogue = printable(catalogue)
    changes = [dataclasses.replace(c, title=break_long_words(c.title)) for c in changes] if changes else changes
    return {
        "asset": assets.url,
        "web": assets.web,
        "preview": None,
        "pdf_link": None,
        "pdf_size": None,  # the PDF's size in bytes, said beside its link
        "data_link": None,
        "changes": changes,
        "history": None,
        "config": config,
        "report": config.report,
        "t": config.messages,
        "groups": catalogue.groups(),
        "actions": catalogue.actions,
        "status_of": catalogue.status_of,
        "role_mark": lambda action, key: _role_mark(config, action, key),
        "totals": lambda actions: totals(catalogue, actions),
        "total_fields": [f for f in config.fields if f.total],
        "status_counts": lambda actions: {s.key: sum(a.status == s.key for a in actions) for s in config.statuses},
        "describe_change": lambda change: describe_change(change, config),
        "after_title": after_title,
        "changes_from": None,
        "Role": Role,
        "escape": escape,
    }


def printable(catalogue: Catalogue) -> Catalogue:
    """The catalogue as the pages print it: a run without spaces longer than any real word (in a
    title, a name, a text) with a break opportunity every few characters (``break_long_words``);
    the data (CSV, JSON, the archive) keeps what the sheet said."""
    long = {f.key for f in catalogue.config.fields if kind_of(f).long}  # a date, a link: printed by its kind

    def printed(action: Action) -> Action:
        return dataclasses.replace(action, title=break_long_words(action.title),
                                   responsible=break_long_words(action.responsible),
                                   texts={key: break_long_words(text) if key in long else text
                                          for key, text in action.texts.items()})
    return dataclasses.replace(catalogue, actions=[printed(action) for action in catalogue.actions])


def _role_mark(config: Config, action: Action, key: str) -> str:
    role = action.roles.get(key, Role.NONE)
    return {Role.ANCHORING: config.marks.anchoring, Role.INTEREST: config.marks.interest}.get(role, "")


PRINT, WEB = "report.html.j2", "web.html.j2"


def render_html(catalogue: Catalogue, template: str = PRINT, changes: list[ActionChange] | None = None,
                assets: Assets | None = None, **extra: Any) -> str:
    """The report as one HTML document: for print (``PRINT``) or the web edition (``WEB``, with
    ``assets`` made with ``web=True``). ``changes``: a diff against an earlier edition
    (:func:`reportgen.archive.diff.diff_editions`), shown as an appendix. ``extra``: more
    context, e.g. ``preview`` for the live preview."""
    env = environment(catalogue.config)
    try:
        return env.get_template(template).render(context(catalogue, changes, assets) | extra)
    except jinja2.TemplateError as exc:  # an overridden template with a mistake: say where
        raise BuildError([template_finding(catalogue.config.messages, exc)]) from None


def template_finding(t: Messages, exc: jinja2.TemplateError) -> Finding:
    """A template's mistake as a finding: the template's file and line, and Jinja's own words."""
    file, line = _where(exc)
    return t.finding("build-template", Severity.ERROR, file=file, cell=f"line {line}" if line else None,
                     detail=exc.message or str(exc))


def _where(exc: jinja2.TemplateError) -> tuple[str | None, int | None]:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.filename or exc.name, exc.lineno
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".j2", ".html", ".css"))]
    return (frames[-1].filename, frames[-1].lineno) if frames else (None, None)
