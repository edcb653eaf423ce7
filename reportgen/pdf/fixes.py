"""Fixes for WeasyPrint 70.0 (and the pydyf it writes with): the same PDF with less work.

WeasyPrint repeats work whose result it already has, and keeps state it no longer needs. Each
fix below is a small edit of one function, written as the pair (stock text, fixed text): the very
diff offered upstream, written up with a minimal reproduction in ``docs/upstream/``. A fix is put
in place only when

* WeasyPrint's version is one the fixes were written and tested for (:data:`TESTED`),
* the stock function's source is exactly the one they were tested on (its SHA-256), and
* ``REPORTGEN_STOCK_WEASYPRINT`` is not set (``=1`` lays out with stock WeasyPrint, to compare),

and otherwise skipped with a debug message: stock WeasyPrint still makes a correct PDF, only slower
(and with more memory).
Delete a fix (and its write-up) when a WeasyPrint release carries it.

The fixes change no page: the sample and the tests' documents give byte-identical PDFs with and
without them, except where stock WeasyPrint prints a wrong page number for
``target-counter(attr(href), page)`` (:data:`TARGET_COUNTER_ATTR`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import inspect
import logging
import os
import textwrap
from collections.abc import Callable
from typing import Any

import weasyprint

log = logging.getLogger(__name__)

TESTED = ("70.0",)
STOCK = "REPORTGEN_STOCK_WEASYPRINT"


@dataclasses.dataclass(frozen=True)
class Fix:
    """An edit of ``module.function``'s source; ``also_in``: modules that imported it by name."""

    name: str
    module: str
    function: str
    stock_sha256: str
    edits: tuple[tuple[str, str], ...]
    also_in: tuple[str, ...] = ()


# An auto-filled multicol box (``column-fill: auto``) lays out its last group of columns once at
# full height to see whether it fits, and then once more, at the same height, for real: the first
# pass can only end its loop, unless footnotes are waiting (they change the height). Skip it.
AUTO_FILL_FIRST_PASS = Fix(
    "multicol-auto-fill-first-pass", "weasyprint.layout.column", "columns_layout",
    "7a05cce3272fc581cf8d9352ebe07d4de51fb742dfccd6d2e86895ac0eca9691",
    ((
        "        page_is_empty = stop_rendering = balancing = False\n"
        "        while True:\n",
        "        page_is_empty = stop_rendering = balancing = False\n"
        "        # reportgen: the last group of an auto-filled box is laid out at full height below;\n"
        "        # a first pass at that height could only end this loop (footnotes aside).\n"
        "        final_only = (\n"
        "            style['column_fill'] == 'auto' and not context.footnotes and\n"
        "            index == columns_and_blocks[-1][0])\n"
        "        if final_only:\n"
        "            next_page = {'break': 'any', 'page': None}\n"
        "        while not final_only:\n",
    ),),
    also_in=("weasyprint.layout.block",))

# target-counter(attr(href), page): the missing page counter is registered under the anchor's
# name as anchor_name_from_token() gives it, which is None for an attr() token (only
# lookup_target() resolves attr()). So the number never hears when its target's page becomes
# known; it changes only when the box's own page counters change, one pagination loop later,
# and a number whose own page does not change keeps a wrong value. Register it under the name.
TARGET_COUNTER_ATTR = Fix(
    "target-counter-attr", "weasyprint.formatting_structure.build", "compute_content_list",
    "3a5674cabd84f48ae9247650a73ad3c0fe690c10a3b7fb0ff6209f8b4b0bf671",
    ((
        "            if need_collect_missing and counter_name not in target_values:\n"
        "                anchor_name = targets.anchor_name_from_token(anchor_token)\n",
        "            if need_collect_missing and counter_name not in target_values:\n"
        "                # reportgen: attr() resolved as lookup_target() resolves it\n"
        "                if anchor_token[0] == 'attr()':\n"
        "                    name, kind, fallback = anchor_token[1]\n"
        "                    target = parent_box.element.get(name, fallback)\n"
        "                    if kind == 'string':\n"
        "                        anchor_token = ('string', target)\n"
        "                    elif kind == 'url':\n"
        "                        anchor_token = ('url', targets.get_url_tuple(\n"
        "                            target, parent_box.style.base_url))\n"
        "                anchor_name = targets.anchor_name_from_token(anchor_token)\n",
    ), (
        "                missing_counters = missing_target_counters.setdefault(\n"
        "                    anchor_name, [])\n"
        "                if counter_name not in missing_counters:\n"
        "                    missing_counters.append(counter_name)\n",
        "                target_missing = missing_target_counters.setdefault(  # reportgen\n"
        "                    anchor_name, [])\n"
        "                if counter_name not in target_missing:\n"
        "                    target_missing.append(counter_name)\n",
    )))

# When a target's page counters change, every box that shows one of its counters is made again,
# though the counter it shows may be unchanged: the total ``pages`` joins the counters after the
# first pagination loop, and so every page with a contents or a page reference was made a third
# time. Make a box again only when a counter it shows changed.
TARGET_COUNTER_CHANGED = Fix(
    "target-counter-changed", "weasyprint.css.targets", "TargetCollector.cache_target_page_counters",
    "545eb30bb50f0e4921f6405ed31cfcc20bb92f32c85b549fe81507cbf27d6dee",
    ((
        "            if item.cached_page_counter_values != page_counter_values:\n"
        "                item.cached_page_counter_values = copy.deepcopy(\n",
        "            if item.cached_page_counter_values != page_counter_values:\n"
        "                previous_values = item.cached_page_counter_values  # reportgen\n"
        "                item.cached_page_counter_values = copy.deepcopy(\n",
    ), (
        "                        if counter_value is not None:\n",
        "                        if counter_value is not None and (  # reportgen\n"
        "                                counter_value != previous_values.get(counter_name)):\n",
    )))

# pydyf builds the tuple of every page's reference anew each time ``page_references`` is read, and
# WeasyPrint's tagging reads it for every structure element: time that grows with pages × elements
# (a 400-page report: 40 million steps, about 20 s). Build it again only when a page was added.
PAGE_REFERENCES = Fix(
    "pdf-page-references", "pydyf", "PDF.page_references",
    "060bf90aad55931bc24c3575a52af9478a89916aa307e5323142663841cb7798",
    ((
        "        return tuple(\n"
        "            f'{object_number} 0 R'.encode('ascii')\n"
        "            for object_number in self.pages['Kids'][::3])\n",
        "        # reportgen: made again only when a page was added\n"
        "        count = len(self.pages['Kids'])\n"
        "        if self.__dict__.get('_page_references_count') != count:\n"
        "            self._page_references = tuple(\n"
        "                f'{object_number} 0 R'.encode('ascii')\n"
        "                for object_number in self.pages['Kids'][::3])\n"
        "            self._page_references_count = count\n"
        "        return self._page_references\n",
    ),))

# The layout context outlives the layout: an SVG image keeps it, to draw with its fonts, image
# loader and dictionaries. Through its layout-only state it keeps every computed style and the
# pagination's states and caches, and through them boxes of earlier pagination loops that no page
# shows: for the 500-action catalogue (402 pages), after a full collection, 86,547 boxes on no page
# and 238,414 computed styles (9,080 with the fix), some 200 MB. Let that state go once the pages
# are made.
LAYOUT_STATE_RELEASED = Fix(
    "layout-state-released", "weasyprint.document", "Document._render",
    "ebaceeb0fa8e79aaeb199a269e2748e2b36f6d95e98b7089e0dbc963bbca54d8",
    ((
        "        rendering._html = html\n"
        "        return rendering\n",
        "        rendering._html = html\n"
        "        # reportgen: drawing needs only the context's fonts, images and dictionaries\n"
        "        for name in (\n"
        "                'style_for', 'page_maker', 'tables', 'target_collector',\n"
        "                'broken_out_of_flow', 'running_elements', 'string_set',\n"
        "                '_excluded_shapes', '_excluded_shapes_root_boxes', 'footnotes',\n"
        "                'page_footnotes', 'current_page_footnotes', 'reported_footnotes',\n"
        "                'rendered_notes', 'current_footnote_area', 'current_page'):\n"
        "            setattr(context, name, None)\n"
        "        return rendering\n",
    ),))

FIXES = (AUTO_FILL_FIRST_PASS, TARGET_COUNTER_ATTR, TARGET_COUNTER_CHANGED, PAGE_REFERENCES, LAYOUT_STATE_RELEASED)

_stock: dict[tuple[str, str], Callable[..., Any]] = {}
_fixed: dict[tuple[str, str], Callable[..., Any] | None] = {}


def apply(enabled: bool | None = None) -> list[str]:
    """Put the fixes in place, or (``enabled`` false) stock WeasyPrint back; by default as
    ``REPORTGEN_STOCK_WEASYPRINT`` says. Returns the names of the fixes now in place."""
    if enabled is None:
        enabled = os.environ.get(STOCK, "") in ("", "0")
        if not enabled:
            log.debug("%s is set: stock WeasyPrint", STOCK)
    if enabled and weasyprint.__version__ not in TESTED:
        log.debug("WeasyPrint %s: its fixes were written for %s; stock WeasyPrint",
                  weasyprint.__version__, ", ".join(TESTED))
        enabled = False
    done = []
    for fix in FIXES:
        function = _fixed_function(fix) if enabled else None
        _put(fix, function or _stock.get((fix.module, fix.function)))
        if function is not None:
            done.append(fix.name)
    return done


def _put(fix: Fix, function: Callable[..., Any] | None) -> None:
    if function is None:  # never replaced
        return
    for name in (fix.module, *fix.also_in):
        owner, _, attribute = f"{name}.{fix.function}".rpartition(".")
        setattr(_find(owner), attribute, function)


def _find(dotted: str) -> Any:
    """A module, a class in one, or what a class holds under a name (a classmethod or a property
    as such, not bound), by its dotted name."""
    module_name, *names = dotted.split(".")
    found: Any = importlib.import_module(module_name)
    for name in names:
        if isinstance(found, type):
            found = inspect.getattr_static(found, name)
        else:
            found = getattr(found, name) if hasattr(found, name) else importlib.import_module(
                f"{found.__name__}.{name}")
    return found


def _fixed_function(fix: Fix) -> Callable[..., Any] | None:
    """``fix`` compiled, or None when the stock source is not the one it was made for; decided once
    per process (every layout asks)."""
    key = (fix.module, fix.function)
    if key not in _fixed:
        _fixed[key] = _compiled(fix)
    return _fixed[key]


def _compiled(fix: Fix) -> Callable[..., Any] | None:
    key = (fix.module, fix.function)
    module = importlib.import_module(fix.module)
    stock = _stock.setdefault(key, _find(f"{fix.module}.{fix.function}"))
    try:
        source = inspect.getsource(_function_of(stock))
    except (OSError, TypeError):
        log.debug("fix %s skipped: the source of %s.%s cannot be read", fix.name, fix.module, fix.function)
        return None
    if hashlib.sha256(source.encode()).hexdigest() != fix.stock_sha256:
        log.debug("fix %s skipped: %s.%s is not the source it was written for", fix.name, fix.module,
                  fix.function)
        return None
    for old, new in fix.edits:
        if source.count(old) != 1:
            log.debug("fix %s skipped: its edit does not fit %s.%s", fix.name, fix.module, fix.function)
            return None
        source = source.replace(old, new)
    namespace: dict[str, Any] = {}
    code = compile(textwrap.dedent(source), f"<{fix.name}: {fix.module}>", "exec")
    exec(code, vars(module), namespace)  # the function, defined among its module's own names
    function: Callable[..., Any] = namespace[fix.function.rpartition(".")[2]]  # a property (classmethod) stays one
    if _function_of(stock) is stock:
        function.__doc__ = stock.__doc__
    return function


def _function_of(stock: Any) -> Any:
    """The function a property or a classmethod wraps, or the function itself."""
    if isinstance(stock, property):
        return stock.fget
    return stock.__func__ if isinstance(stock, classmethod) else stock
