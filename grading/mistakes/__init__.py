"""Known mistaken variants of every exercise, and correct variants in other styles, by chapter.

One module per chapter (``ch01.py``, ...), each with ``CHAPTER`` (the
notebook's name), ``REFERENCES`` (exercise name -> the reference function),
``MISTAKES`` and ``ACCEPTED`` (lists of (exercise, implementation, words)).
The visible tests list the same mistakes with their outputs on the visible
inputs; the hidden tests run these variants on a failing case to name the
mistake a student's output matches.
"""

import importlib
import pkgutil

MODULES = [importlib.import_module(f"{__name__}.{m.name}")
           for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name) if m.name.startswith("ch")]


def mistakes_of(exercise):
    """[(implementation, description)] of the known mistakes in ``exercise``."""
    return [(implementation, description) for module in MODULES
            for name, implementation, description in module.MISTAKES if name == exercise]
