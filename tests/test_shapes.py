"""Reports of every shape build with a clean proof: the sample is one shape, a layout, a check or a word
that works only for it is a defect.

Hypothesis draws whole reports (tests/shapes.py: 2-10 statuses, 1-12 themes, 0-20 committees and
administrations, numbers 1-9999, titles of 1-250 characters, empty and very long fields, Danish and
English); each is written as a real report folder, checked, laid out and proofed. CI runs the named
examples and a few drawn ones with a fixed seed (``derandomize``); ``make fuzz`` runs hundreds
(``REPORTGEN_FUZZ=300``). A failing example prints its shape (Python that makes it again: paste it into
an ``@example`` below to keep it) and its configuration.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings

from reportgen.pipeline import load, make_edition

from .shape_examples import (
    ADMIN_HEAD_MEASURED,
    FIELD_ENDS_ON_ONE_LINE,
    FIELD_LABEL_AT_FOOT,
    SPELT_HEAD_TOO_NARROW,
    STATUS_TAG_SPLIT,
    SUMMARY_ROW_SPLIT,
    SUMMARY_TAIL,
)
from .shapes import Shape, configuration, council, shapes, write_report

FUZZ = int(os.environ.get("REPORTGEN_FUZZ", "2"))


def proofed(shape: Shape) -> list[str]:
    """What the checks and the proof find in a report of the shape (nothing, when it prints right)."""
    with tempfile.TemporaryDirectory() as folder:
        config, warnings = load(write_report(Path(folder), shape))
        edition = make_edition(config, warnings, pdf=False)
        findings = [f for f in edition.outcome.result.findings if f.code != "config-greyscale"] + edition.proof
        return [f.describe() for f in findings]


@settings(max_examples=FUZZ, derandomize=FUZZ <= 10, deadline=None, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(shapes())
@example(council())
@example(FIELD_ENDS_ON_ONE_LINE)
@example(SPELT_HEAD_TOO_NARROW)
@example(SUMMARY_TAIL)
@example(FIELD_LABEL_AT_FOOT)
@example(SUMMARY_ROW_SPLIT)
@example(ADMIN_HEAD_MEASURED)
@example(STATUS_TAG_SPLIT)
def test_every_shape_prints_right(shape: Shape) -> None:
    found = proofed(shape)
    assert found == [], "\n".join([*found, "", "report.yaml:",
                                   yaml.safe_dump(configuration(shape), allow_unicode=True, sort_keys=False)])
