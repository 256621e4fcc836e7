"""Known mistaken variants of every exercise, and correct variants in other styles, by chapter.

One module per chapter (``ch01.py``, ...), each with ``CHAPTER`` (the
notebook's name), ``REFERENCES`` (exercise name -> the reference function),
and two lists of (exercise, implementation, words), every variant written
independently of the notebook:

- ``MISTAKES``: the visible test must fail with a message naming the
  mistake (its output on the visible inputs is listed there), and the
  hidden feedback names it when a student's output matches the variant's
  on a failing case;
- ``ACCEPTED``: correct solutions in another style (updating the inputs in
  place, say): the visible test must pass and print the note whose words
  are given, and the hidden tests give full points.

tests/test_visible_tests.py and tests/test_judge.py hold them to that.
"""

import importlib
import pkgutil

MODULES = [importlib.import_module(f"{__name__}.{m.name}")
           for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name) if m.name.startswith("ch")]


def mistakes_of(exercise):
    """[(implementation, description)] of the known mistakes in ``exercise``."""
    return [(implementation, description) for module in MODULES
            for name, implementation, description in module.MISTAKES if name == exercise]
