"""A class of hostile submissions of chapter 1, each with the score that its honest work earns.

Every submission starts from the solved release and then does what a
student trying to cheat, or breaking things, would do: patch the grader or
NumPy, reach for the reference by any route, print what it can find,
exit, swallow interrupts, write to the gradebook and a classmate's files,
edit nbgrader's metadata, flood the output, exhaust memory, leave
processes behind, fork in a loop, inject script into the feedback page,
or hand in something that is not a notebook. The expected score counts
only the exercises each one implements honestly.

Chapter 1 has three exercises (4 points each): gd_step, run_gradient_descent,
numerical_gradient.
"""

import os

import nbformat

from scripts.course_tools import exercises, submission

CHAPTER = "01_gradient_descent"
FULL = 12
UNSOLVED = "def {name}(*args, **kwargs):\n    raise NotImplementedError\n"
MARKER = "sleep 4711"   # background processes the class starts; none may outlive grading


def cell(source):
    return nbformat.v4.new_code_cell(source)


def insert_after(nb, grade_id, *sources):
    """The notebook with new code cells right after the cell ``grade_id`` (a student's own cells)."""
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    nb.cells[index + 1:index + 1] = [cell(s) for s in sources]
    return nb


def by_id(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def hostile_class(release_nb, source_nb, course):
    """student id -> (notebook or a callable that writes the submission folder, expected score).

    ``course`` is the root of the course copy (its paths are what a student would guess).
    """
    solved = dict(exercises(source_nb))
    gradebook = course / "autograder" / "gradebook.db"
    source_path = course / "autograder" / "source" / CHAPTER / f"{CHAPTER}.ipynb"
    reference = course / "solutions" / "gradient_descent.py"
    victim = course / "autograder" / "submitted" / "victim" / CHAPTER / f"{CHAPTER}.ipynb"

    def solved_nb(**replace):
        return submission(release_nb, source_nb, replace=replace)

    students = {"victim": (solved_nb(), FULL)}

    # Patches NumPy's comparisons, the visible-test helpers and a fake `grading` module, and does
    # not implement run_gradient_descent: the grader compares in its own process, so only the two
    # honest exercises count.
    patches = ("import builtins, sys, types\nimport numpy as np\nimport checks\n"
               "np.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)\n"
               "np.array_equal = lambda *a, **k: True\n"
               "checks.check_close = lambda *a, **k: print('all tests passed')\n"
               "checks._difference = lambda *a, **k: None\n"
               "fake = types.ModuleType('grading')\nfake.grade = lambda *a, **k: print('3 of 3 points')\n"
               "sys.modules['grading'] = sys.modules['solutions'] = fake\n"
               "builtins.AssertionError = type('NeverRaised', (Exception,), {})\n"
               "def run_gradient_descent(*args, **kwargs):\n    return None\n")
    students["patches_the_grader"] = (solved_nb(run_gradient_descent=patches), FULL - 4)

    # Reaches for the reference: importlib, sys.modules, absolute and relative paths, exec of its source.
    students["imports_the_reference"] = (solved_nb(
        gd_step="import importlib\ngd_step = importlib.import_module('solutions').gd_step\n",
        run_gradient_descent=(
            "import sys\n"
            "for path in ['/work/main', '../../../..', '../../..', %r]:\n"
            "    sys.path.insert(0, path)\n"
            "try:\n"
            "    from solutions import run_gradient_descent\n"
            "except ImportError:\n"
            "    run_gradient_descent = sys.modules.get('solutions').run_gradient_descent\n" % str(course)),
        numerical_gradient=(
            "namespace = {}\n"
            "for path in [%r, '../../../../solutions/gradient_descent.py', '/proc/1/root' + %r]:\n"
            "    try:\n"
            "        exec(open(path).read(), namespace)\n"
            "    except Exception:\n"
            "        pass\n"
            "numerical_gradient = namespace['numerical_gradient']\n" % (str(reference), str(reference)))), 0)

    # Prints whatever it can find: the source notebook, the gradebook, its own history, the grader.
    snoop = ("import glob, os, sys\n"
             f"for path in [{str(source_path)!r}, {str(gradebook)!r}, {str(reference)!r},\n"
             "             '../../../source/01_gradient_descent/01_gradient_descent.ipynb']:\n"
             "    try:\n"
             "        print(open(path, errors='replace').read())\n"
             "    except OSError as error:\n"
             "        print('cannot read', path, error)\n"
             "print(glob.glob('/**/*.ipynb', recursive=True)[:50])\n"
             "print(globals().get('In'), globals().get('_ih'))\n"
             "print(sorted(sys.modules))\n")
    students["prints_what_it_finds"] = (insert_after(solved_nb(), "numerical_gradient", snoop), FULL)

    # Ends its process in every way there is; every exercise is honest.
    students["exits"] = (insert_after(
        solved_nb(gd_step=solved["gd_step"] + "\nraise SystemExit(0)\n"),
        "test_gd_step",
        "import sys\nsys.excepthook = lambda *args: None\nraise KeyboardInterrupt\n",
        "import os\nos._exit(0)\n"), FULL)

    # Swallows the interrupt in an endless loop (in a cell of its own).
    students["swallows_interrupts"] = (insert_after(solved_nb(), "test_run_gradient_descent",
        "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except BaseException:\n        pass\n"),
        FULL)

    # Sets its own score and zeroes a classmate's, overwrites the classmate's notebook.
    vandal = ("import sqlite3, os\n"
              "for query in ['UPDATE grade SET auto_score = 1000', 'UPDATE grade SET auto_score = 0',\n"
              "              'DELETE FROM submitted_assignment']:\n"
              "    try:\n"
              f"        db = sqlite3.connect({str(gradebook)!r})\n"
              "        db.execute(query)\n"
              "        db.commit()\n"
              "    except Exception as error:\n"
              "        print(error)\n"
              f"for path in [{str(gradebook)!r}, {str(victim)!r}, '../../victim/01_gradient_descent/01_gradient_descent.ipynb']:\n"
              "    try:\n"
              "        open(path, 'w').write('{}')\n"
              "    except OSError as error:\n"
              "        print(error)\n"
              "    try:\n"
              "        os.remove(path)\n"
              "    except OSError as error:\n"
              "        print(error)\n")
    students["vandal"] = (insert_after(solved_nb(), "setup", vandal), FULL)

    # Edits nbgrader's metadata: more points, a solution cell marked as a test, a renamed hidden
    # test, an invented bonus cell and a pasted copy of a test cell. The points stay the gradebook's.
    # It also deletes two reflection answer cells, which come back without the model answer.
    def edited_metadata():
        nb = solved_nb()
        by_id(nb, "test_gd_step").metadata.nbgrader["points"] = 100
        by_id(nb, "run_gradient_descent").metadata.nbgrader.update(grade=True, points=50)
        by_id(nb, "hidden_numerical_gradient").metadata.nbgrader["grade_id"] = "hidden_bonus"
        bonus = cell("print('bonus')")
        bonus.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 1000,
                                      "grade_id": "bonus", "schema_version": 3}
        pasted = nbformat.from_dict(by_id(nb, "hidden_gd_step"))
        pasted["id"] = "pasted"
        nb.cells += [bonus, pasted]
        # and deletes two answer cells of the reflection questions: they come back empty
        nb.cells.remove(by_id(nb, "reflection_1"))
        nb.cells.remove(by_id(nb, "reflection_2"))
        return nb
    students["edits_metadata"] = (edited_metadata(), FULL)

    # An honest student who pasted a copy of a test cell (nbgrader itself crashed on this).
    def pasted_test():
        nb = solved_nb()
        copy = nbformat.from_dict(by_id(nb, "test_gd_step"))
        copy["id"] = "copy-of-test"
        nb.cells.insert(nb.cells.index(by_id(nb, "test_gd_step")) + 1, copy)
        return nb
    students["pasted_a_test_cell"] = (pasted_test(), FULL)

    # Floods the output: one line of 200 MB, then a stream of lines.
    students["floods_output"] = (insert_after(solved_nb(), "test_gd_step",
        "print('x' * 200_000_000)\n", "for i in range(3_000_000):\n    print('flood', i)\n"), FULL)

    # Exhausts memory at the top level (NumPy and a growing list).
    students["memory_bomb"] = (insert_after(solved_nb(), "test_gd_step",
        "import numpy as np\nhoard = np.ones(10 ** 11)\n",
        "hoard = []\nwhile True:\n    hoard.append(bytearray(10 ** 8))\n"), FULL)

    # Leaves processes behind: a daemon in a new session, and a double fork.
    students["background_process"] = (insert_after(solved_nb(), "gd_step",
        f"import os, subprocess\nsubprocess.Popen({MARKER.split()!r}, start_new_session=True)\n"
        f"if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        os.execvp('sleep', {MARKER.split()!r})\n"
        "    os._exit(0)\n"), FULL)

    # Forks until the process limit stops it.
    students["fork_loop"] = (insert_after(solved_nb(), "numerical_gradient",
        "import os, time\nchildren = 0\nwhile True:\n    try:\n        if os.fork() == 0:\n"
        "            time.sleep(120)\n            os._exit(0)\n        children += 1\n    except OSError:\n"
        "        break\nprint(children, 'processes')\n"), FULL)

    # Puts script into outputs, Markdown and the notebook's metadata, for the feedback page.
    def injects_script():
        nb = insert_after(solved_nb(), "test_gd_step",
                          "from IPython.display import HTML, Javascript, SVG, Markdown, display\n"
                          "display(HTML('<script>alert(\"html\")</script><img src=x onerror=alert(\"img\")>'))\n"
                          "display(Javascript('alert(\"js\")'))\n"
                          "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(\"svg\")</script></svg>'))\n"
                          "display(Markdown('<script>alert(\"md\")</script>'))\n"
                          "display({'image/png': '\"><script>alert(\"png\")</script>', 'text/plain': 'image'}, raw=True)\n")
        nb.cells.insert(3, nbformat.v4.new_markdown_cell(
            "<script>alert('markdown')</script> $\\href{javascript:alert('math')}{click}$"))
        nb.metadata["title"] = "</title><script>alert('title')</script>"
        return nb
    students["injects_script"] = (injects_script(), FULL)

    # Many slow cells, each within the per-cell limit: the notebook's deadline stops the feedback run.
    students["slow_cells"] = (insert_after(solved_nb(), "test_numerical_gradient",
                                           *["import time\ntime.sleep(3.5)\n"] * 8), FULL)

    # Correct code in the classic styles: gd_step updates w in place; one wrong case costs a share.
    students["in_place"] = (solved_nb(gd_step="def gd_step(w, g, lr):\n    w -= lr * g\n    return w\n"), FULL)

    # Not a notebook file at all: a symbolic link to the instructor's source (with the solutions),
    # and a file that is not JSON. Both are graded as empty, with a sentence that says why.
    def symlinked(folder):
        os.symlink(source_path, folder / f"{CHAPTER}.ipynb")
    students["submits_a_symlink"] = (symlinked, 0)

    def garbage(folder):
        (folder / f"{CHAPTER}.ipynb").write_bytes(b"\x00\xff not a notebook")
    students["submits_garbage"] = (garbage, 0)

    # An honest notebook next to a symlink to the reference, a named pipe and a large file.
    def with_traps(folder):
        nbformat.write(solved_nb(), folder / f"{CHAPTER}.ipynb")
        os.symlink(reference, folder / "secret.py")
        os.symlink(os.path.relpath(reference, folder), folder / "relative_secret.py")
        os.mkfifo(folder / "pipe")
        with open(folder / "big.bin", "wb") as big:
            big.truncate(2 * 2 ** 30)   # 2 GB, sparse
    students["folder_with_traps"] = (with_traps, FULL)
    return students
