"""The kinds of field an action has: text, date, amount, percent, link, choice, each one module.

Every module of this package that defines a kind registers it (:func:`base.register`); they are all
imported here, found by listing the package, so a new kind is one new module (with its words in the
locales and its test).
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import KINDS, TEXT, Edition, FieldKind, Problem, Spec, Value, kind_of

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["KINDS", "TEXT", "Edition", "FieldKind", "Problem", "Spec", "Value", "kind_of"]
