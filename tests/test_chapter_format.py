"""Every chapter follows the format in CONTRIBUTING.md, so every tool works on it unchanged."""

import ast
import builtins
import os
import re

import nbformat
import pytest
import yaml

import solutions
from grading.cases import EXERCISES
from nbtools import CHAPTERS, ROOT, chapter_notebooks, without_hidden_tests
from scripts.course_tools import chapters as assignments

NOTEBOOKS = chapter_notebooks()
CARRIED_OVER = "carried_over"  # the ungraded cell for functions from earlier chapters
FORBIDDEN_IMPORT = re.compile(r"^\s*(from|import)\s+(solutions|grading)\b", re.M)


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def toc_chapters():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = []
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part.get("chapters", [])]
    return [f.split("/", 1)[1] for f in files if f.startswith("chapters/")]


def test_toc_chapters_notebooks_and_assignments_agree():
    names = [p.stem for p in NOTEBOOKS]
    assert names, "no chapter notebooks"
    assert toc_chapters() == names
    assert assignments() == names


@pytest.mark.parametrize("chapter", [p.stem for p in NOTEBOOKS])
def test_assignment_sources_are_symlinks_into_chapters(chapter):
    folder = ROOT / "autograder" / "source" / chapter
    files = sorted(folder.iterdir())
    assert folder / f"{chapter}.ipynb" in files
    for f in files:
        assert f.is_symlink(), f"{f} must be a symlink, so the chapter stays the one copy"
        assert f.resolve().parent == CHAPTERS and f.resolve().exists(), f"{f} -> {os.readlink(f)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_has_a_solution_a_visible_and_a_hidden_test(path):
    nb = nbformat.read(path, as_version=4)
    ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
    solution_cells = [c for c in nb.cells if nbgrader_meta(c).get("solution") and c.cell_type == "code"
                      and nbgrader_meta(c)["grade_id"] != CARRIED_OVER]
    assert len(solution_cells) >= 3, "a chapter has at least three graded exercises"
    for cell in solution_cells:
        name = nbgrader_meta(cell)["grade_id"]
        tree = ast.parse(cell.source)
        defs = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
        assert defs == [name], f"solution cell {name} must define exactly the function {name}"
        assert all(isinstance(n, (ast.FunctionDef, ast.Import, ast.ImportFrom)) for n in tree.body)
        assert name in solutions.__all__ and name in EXERCISES
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        stub = cell.source.split("### BEGIN SOLUTION")[0]
        assert stub.lstrip().startswith(f"def {name}(") and '"""' in stub, "the stub shows the def and a docstring"
        visible = nb.cells[ids.index(f"test_{name}")]
        hidden = nb.cells[ids.index(f"hidden_{name}")]
        assert ids.index(name) < ids.index(f"test_{name}") < ids.index(f"hidden_{name}")
        assert nbgrader_meta(visible)["points"] == 1 and nbgrader_meta(visible)["locked"]
        assert nbgrader_meta(hidden)["points"] == 3 and nbgrader_meta(hidden)["locked"]
        # The visible test is the instructor's code that the grader runs as it is; the hidden
        # test cell only names the exercise (it runs in an author's notebook, never in a student's).
        assert "### BEGIN HIDDEN TESTS" not in visible.source
        assert "check_close" in visible.source
        assert without_hidden_tests(hidden.source).strip().startswith("# Hidden tests:")
        assert hidden.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0].strip() == \
            f'from grading import grade\ngrade("{name}")'


def names_used_before_assignment(source):
    """Names a cell reads that it does not define itself (imports, assignments, defs, loops)."""
    tree = ast.parse(source)
    defined = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    defined |= {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in n.names}
    defined |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    defined |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args + n.kwonlyargs}
    defined |= {n.vararg.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) and n.vararg}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return used - defined - set(dir(__builtins__)) - set(dir(builtins))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_visible_tests_need_only_the_setup_cell_and_the_exercises(path):
    # The grader runs each visible test outside the student's kernel, after the setup cell only.
    nb = nbformat.read(path, as_version=4)
    setup = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == "setup")
    setup_names = set()
    for node in ast.parse(setup.source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            setup_names |= {a.asname or a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.Assign):
            setup_names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    exercise_names = {nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c).get("solution")}
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id", "").startswith("test_"):
            missing = names_used_before_assignment(cell.source) - setup_names - exercise_names
            assert not missing, f"{nbgrader_meta(cell)['grade_id']} uses {sorted(missing)}, defined elsewhere"


def _bound(node):
    """Names a top-level statement binds (assignments, loops, imports, defs, with ... as)."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
    names |= {a.asname or a.name.split(".")[0] for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))
              for a in n.names}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.add(node.name)
    return names


class _FreeReads(ast.NodeVisitor):
    """Names a statement reads from the notebook's namespace when it runs: not those of the
    function bodies it defines, nor a lambda's or a comprehension's own variables."""

    def __init__(self):
        self.names, self.local = set(), [set()]

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and not any(node.id in scope for scope in self.local):
            self.names.add(node.id)

    def visit_FunctionDef(self, node):
        for expression in node.decorator_list + node.args.defaults + node.args.kw_defaults:
            if expression is not None:
                self.visit(expression)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        self._in_scope({a.arg for a in arguments}, [node.body])

    def _comprehension(self, node, parts):
        targets = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        self.visit(node.generators[0].iter)   # evaluated outside the comprehension's scope
        rest = [g.iter for g in node.generators[1:]] + [i for g in node.generators for i in g.ifs]
        self._in_scope(targets, rest + parts)

    def visit_ListComp(self, node):
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node):
        self._comprehension(node, [node.key, node.value])

    def _in_scope(self, names, nodes):
        self.local.append(set(names))
        for node in nodes:
            self.visit(node)
        self.local.pop()


def _read(node):
    reader = _FreeReads()
    reader.visit(node)
    return reader.names


def _steps(statements):
    """(reads, binds) in the order a statement list runs: compound statements step by step."""
    for node in statements:
        if isinstance(node, (ast.For, ast.AsyncFor)):
            yield _read(node.iter), _bound(node.target)
            yield from _steps(node.body + node.orelse)
        elif isinstance(node, (ast.If, ast.While)):
            yield _read(node.test), set()
            yield from _steps(node.body + node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                yield _read(item.context_expr), _bound(item.optional_vars) if item.optional_vars else set()
            yield from _steps(node.body)
        elif isinstance(node, ast.Try):
            yield from _steps(node.body + [s for h in node.handlers for s in h.body] + node.orelse + node.finalbody)
        else:
            yield _read(node), _bound(node)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_cell_reads_a_name_that_a_test_cell_set(path):
    # The feedback run does not execute the test cells (their outputs become the grader's
    # verdicts), so the chapter must run the same without them.
    nb = nbformat.read(path, as_version=4)
    last_binder = {}   # name -> grade id of the test cell that bound it last, or None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = nbgrader_meta(cell)
        test = meta.get("grade_id") if meta.get("grade") and not meta.get("solution") else None
        for reads, binds in _steps(ast.parse(without_hidden_tests(cell.source)).body):
            if test is None:
                stale = {name: last_binder[name] for name in reads if last_binder.get(name)}
                assert not stale, f"a cell reads {stale} (name: the test cell that set it): {cell.source[:200]}"
            for name in binds:
                last_binder[name] = test


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_reference_and_harness_are_only_imported_inside_hidden_tests(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        assert not FORBIDDEN_IMPORT.search(without_hidden_tests(cell.source)), cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_cell_is_locked_and_demos_can_shrink(path):
    nb = nbformat.read(path, as_version=4)
    setup = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") == "setup"]
    assert len(setup) == 1 and nbgrader_meta(setup[0]).get("locked")
    assert "NBGRADER_EXECUTION" in setup[0].source
    assert not any(c.cell_type == "code" and re.search(r"^\s*[%!]", c.source, re.M) for c in nb.cells), \
        "no IPython magics: the tests run cells as plain Python"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_lines_stay_within_100_characters(path):
    nb = nbformat.read(path, as_version=4)
    long_lines = [line for cell in nb.cells if cell.cell_type == "code"
                  for line in cell.source.split("\n") if len(line) > 100]
    assert not long_lines, long_lines


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_carried_over_functions_are_earlier_exercises(path):
    nb = nbformat.read(path, as_version=4)
    carried = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") == CARRIED_OVER]
    if not carried:
        return
    assert len(carried) == 1 and nbgrader_meta(carried[0]).get("solution") and not nbgrader_meta(carried[0]).get("grade")
    earlier = set()
    for other in NOTEBOOKS[:NOTEBOOKS.index(path)]:
        earlier |= {nbgrader_meta(c).get("grade_id") for c in nbformat.read(other, as_version=4).cells}
    tree = ast.parse(carried[0].source)
    names = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert names and set(names) <= earlier, f"carried-over functions must be exercises of earlier chapters: {names}"
    assert carried[0].source.count("### BEGIN SOLUTION") == len(names)
    # The next code cell checks each of them, and nothing else, on its own chapter's example.
    after = nb.cells[nb.cells.index(carried[0]) + 1]
    assert after.cell_type == "code" and not after.metadata.get("nbgrader")
    call = ast.parse(after.source).body
    assert len(call) == 1 and ast.unparse(call[0]) == \
        "check_earlier_exercises(globals(), " + ", ".join(repr(n) for n in names) + ")"


REFLECTION_HEADING = re.compile(r"^## Questions to think about$", re.M)   # unnumbered, as "What's next"
REFLECTION_QUESTION = re.compile(r"^\*\*Question (\d+)\.(\d+)\*\*")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chapter_ends_with_reflection_questions_whose_answers_only_the_instructor_sees(path):
    # CONTRIBUTING.md: the last section holds 3 to 5 questions, each followed by a manually
    # graded Markdown answer cell worth 0 points whose model answer is a solution region.
    nb = nbformat.read(path, as_version=4)
    headings = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert headings and REFLECTION_HEADING.match(nb.cells[headings[-1]].source), \
        "the last section is not 'Questions to think about'"
    number = int(path.stem.split("_")[0])
    rest = nb.cells[headings[-1] + 1:]
    assert len(rest) % 2 == 0 and 3 <= len(rest) // 2 <= 5, "3 to 5 (question, answer) pairs end the chapter"
    for k, (question, answer) in enumerate(zip(rest[::2], rest[1::2]), start=1):
        match = REFLECTION_QUESTION.match(question.source)
        assert question.cell_type == "markdown" and not nbgrader_meta(question), question.source[:80]
        assert match and (int(match[1]), int(match[2])) == (number, k), \
            f"question {k} must start with **Question {number}.{k}**: {question.source[:60]}"
        meta = nbgrader_meta(answer)
        assert answer.cell_type == "markdown" and meta.get("solution") and meta.get("grade"), \
            f"the cell after question {number}.{k} is not a manually graded answer cell"
        assert meta["grade_id"] == f"reflection_{k}" and meta["points"] == 0 and not meta.get("locked")
        lines = answer.source.strip().splitlines()
        assert lines[0] == "### BEGIN SOLUTION" and lines[-1] == "### END SOLUTION" and len(lines) >= 3, \
            f"the answer cell of question {number}.{k} holds only the model answer, in a solution region"
