"""A pytest plugin for `make mutate` (bench/mutate.py loads it in each module's runs): every test starts
with reportgen's function caches empty.

mutmut learns which tests reach a function by running each test once; a function behind
``functools.cache`` (render/text's Markdown parser and date pattern) is reached only by the first test
that fills the cache, so its mutants would be tried with that one test alone and survive. Emptied
before each test, the cache is filled by every test that needs it, and each is counted.

Sheets are read in this process too: from ``PARALLEL_FROM`` files on, ``check()`` screens and reads them
in worker processes, which mutmut neither maps to the test nor (for its counts) sees; a test with eight
files or more then never tried the mutants of ``screen`` or the reader.
"""

from __future__ import annotations

import sys
from typing import Any


def pytest_runtest_setup(item: Any) -> None:
    parallel = sys.modules.get("reportgen.sheets.parallel")
    if parallel is not None:
        parallel.PARALLEL_FROM = sys.maxsize
    for name, module in list(sys.modules.items()):
        if name == "reportgen" or name.startswith("reportgen."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
