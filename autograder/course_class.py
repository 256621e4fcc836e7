"""Grading a whole class at once: ``nbgrader autograde`` with several submissions in flight.

nbgrader grades one submission after another, and most of the time goes
into running each notebook and each student's functions in their
sandboxes. ``grade_class`` (``CourseAutograde.jobs`` > 1, or ``./run
grade``) splits nbgrader's own steps for a submission into three:

1. in this process, one submission after another, what touches the
   gradebook or the course files: create the student and the submission,
   copy the helper modules, sanitize the notebook (nbgrader's sanitizing
   preprocessors), exactly as ``nbgrader autograde`` does;
2. in ``jobs`` worker processes at once, what only reads: the sandboxed
   preprocessors at the head of ``Autograde.autograde_preprocessors``
   (the kernel run for feedback, the grading outside the kernel);
3. in this process again, one after another, the rest of the
   preprocessors (SaveAutoGrades writes the scores: the gradebook keeps
   one writer), the file permissions and nbgrader's hooks.

Steps 1 and 3 of some submissions run while others are in step 2 (a
submission goes to the workers as soon as it is prepared, and is finished
as soon as they are done with it), so the workers never wait for this
process. The gradebook ends up with the same entries as after a serial
run. A progress bar follows step 2, and a table at the end gives each
exercise's mean and spread, the submissions that did not run to the end
and why, and the wall time.
"""

import multiprocessing
import os
import re
import statistics
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.converters.base import BaseConverter, NbGraderException

from course_preprocessors import GradeOutsideKernel, SandboxedExecute, SandboxedGrading

SANDBOXED = (SandboxedGrading, SandboxedExecute, GradeOutsideKernel)


def default_jobs():
    """Twice the cores (a submission spends much of its time waiting: kernel start-up, time limits),
    at most one per GB of memory (a kernel, a worker and a grader take about 0.7 GB)."""
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return max(1, min(2 * (os.cpu_count() or 1), int(memory_gb)))


def grade_class(converter):
    """Grade every selected submission of ``converter`` (a CourseAutograde), ``converter.jobs`` at a time."""
    started = time.monotonic()
    if converter.jobs <= 0:
        converter.jobs = default_jobs()
    sandboxed, rest = _split(converter.autograde_preprocessors)
    failures, notes, graded = {}, {}, []
    global _CONVERTER
    _CONVERTER = converter
    context = multiprocessing.get_context("fork")   # the workers inherit the loaded configuration
    progress = _progress_bar(converter, len(converter.assignments))
    in_flight = {}   # future -> (ids, notebooks, paths, notebooks still in step 2)

    def collect(futures):
        for future in futures:
            ids, notebooks, paths, waiting = in_flight[future]
            try:
                notes.setdefault(ids["student_id"], {}).update(future.result())
            except Exception as error:  # a broken worker: this submission is not graded
                failures[ids["student_id"]] = f"{type(error).__name__}: {error}"
            waiting.discard(future)
            del in_flight[future]
            if not waiting:
                _finish(converter, (ids, notebooks, paths), rest, failures, graded)
                if progress is not None:
                    progress.update(1)

    with ProcessPoolExecutor(max_workers=max(1, converter.jobs), mp_context=context) as pool:
        for item in _prepare(converter, failures):
            ids, notebooks, paths = item
            waiting = set()
            for path in paths:
                future = pool.submit(_grade_sandboxed, path, sandboxed)
                waiting.add(future)
                in_flight[future] = (ids, notebooks, paths, waiting)
            if not paths:
                _finish(converter, item, rest, failures, graded)
            collect([f for f in list(in_flight) if f.done()])
        while in_flight:
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            collect(done)
    if progress is not None:
        progress.close()
    if converter.class_summary:
        print(summary(converter, graded, notes, failures, time.monotonic() - started), flush=True)
    if failures:
        for student, reason in failures.items():
            converter.log.error("Submission of %s was not graded: %s", student, reason)
        raise NbGraderException(f"{len(failures)} submission(s) could not be graded (see above).")


def _split(preprocessors):
    """(the sandboxed preprocessors at the head of the list, the rest)."""
    head = 0
    while head < len(preprocessors) and _is_a(preprocessors[head], SANDBOXED):
        head += 1
    if head == 0:
        raise NbGraderException("Autograde.autograde_preprocessors must start with SandboxedGrading "
                                "(or SandboxedExecute and GradeOutsideKernel) to grade several submissions at once.")
    if any(_is_a(pp, SANDBOXED) for pp in preprocessors[head:]):
        raise NbGraderException("The sandboxed preprocessors must come first in Autograde.autograde_preprocessors.")
    return list(preprocessors[:head]), list(preprocessors[head:])


def _is_a(preprocessor, classes):
    cls = preprocessor if isinstance(preprocessor, type) else type(preprocessor)
    return issubclass(cls, classes)


# ------------------------------------------------------------------ step 1: one by one, in this process


def _ids(converter, assignment):
    regexp = converter._format_source("(?P<assignment_id>.*)", "(?P<student_id>.*)", escape=True)
    match = re.match(regexp, assignment)
    if match is None:
        raise NbGraderException(f"Could not match '{assignment}' with regexp '{regexp}'")
    return match.groupdict()


def _prepare(converter, failures):
    """Yield (ids, notebooks, [sanitized notebook paths]) per submission; failures go to ``failures``."""
    for assignment in sorted(converter.assignments):
        converter.notebooks = sorted(converter.assignments[assignment])
        ids = _ids(converter, assignment)
        try:
            if not converter.init_destination(ids["assignment_id"], ids["student_id"]):
                continue
            converter.run_pre_convert_hook()
            converter.init_assignment(ids["assignment_id"], ids["student_id"])
            paths = [_sanitize(converter, notebook) for notebook in converter.notebooks]
        except Exception as error:
            _fail(converter, ids, converter.notebooks, failures, error)
            continue
        yield ids, list(converter.notebooks), paths


def _sanitize(converter, notebook_filename):
    """nbgrader's sanitizing step of one notebook; the path of the sanitized copy in autograded/."""
    converter.log.info("Sanitizing %s", notebook_filename)
    with converter._read_safely(notebook_filename):
        converter._sanitizing = True
        converter._init_preprocessors()
        BaseConverter.convert_single_notebook(converter, notebook_filename)
    return os.path.join(converter.writer.build_directory, os.path.basename(notebook_filename))


def _fail(converter, ids, notebooks, failures, error):
    converter.log.error("There was an error processing %s's submission:\n%s", ids["student_id"],
                        traceback.format_exc())
    failures[ids["student_id"]] = f"{type(error).__name__}: {error}"
    converter.notebooks = notebooks
    dest = os.path.normpath(converter._format_dest(ids["assignment_id"], ids["student_id"]))
    for notebook in notebooks:
        path = os.path.join(dest, os.path.splitext(os.path.basename(notebook))[0] + ".ipynb")
        if os.path.exists(path):
            os.remove(path)


# ------------------------------------------------------------------ step 2: in parallel, read-only


_CONVERTER = None   # the converter, inherited by the forked workers


def _grade_sandboxed(path, preprocessors):
    """In a worker: run the sandboxed preprocessors on one sanitized notebook, in place; its notes."""
    converter = _CONVERTER
    converter._sanitizing = False
    resources = converter.init_single_notebook_resources(path)
    resources["metadata"] = {"path": os.path.dirname(path), "name": os.path.splitext(os.path.basename(path))[0]}
    nb = nbformat.read(path, as_version=4)
    with utils.setenv(NBGRADER_EXECUTION="autograde"):
        for preprocessor in preprocessors:
            instance = preprocessor(parent=converter.exporter) if isinstance(preprocessor, type) else preprocessor
            nb, resources = instance(nb, resources)
    nbformat.write(nb, path)
    return resources.get("descent", {})


def _progress_bar(converter, total):
    if not converter.class_summary:
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=f"grading {converter.coursedir.assignment_id}", unit="submission")


# ------------------------------------------------------------------ step 3: one by one, in this process


def _finish(converter, item, preprocessors, failures, graded):
    """The rest of nbgrader's autograding for one submission out of step 2; appended to ``graded``."""
    ids, notebooks, paths = item
    if ids["student_id"] in failures:
        _fail_quietly(converter, ids, notebooks)
        return
    configured = converter.autograde_preprocessors
    converter.autograde_preprocessors = preprocessors
    converter.notebooks = notebooks
    try:
        for path in paths:
            converter.log.info("Autograding %s", path)
            converter._sanitizing = False
            converter._init_preprocessors()
            with utils.setenv(NBGRADER_EXECUTION="autograde"):
                BaseConverter.convert_single_notebook(converter, path)
        converter.set_permissions(ids["assignment_id"], ids["student_id"])
        converter.run_post_convert_hook()
        graded.append(ids["student_id"])
    except Exception as error:
        _fail(converter, ids, notebooks, failures, error)
    finally:
        converter._sanitizing = True
        converter.autograde_preprocessors = configured


def _fail_quietly(converter, ids, notebooks):
    dest = os.path.normpath(converter._format_dest(ids["assignment_id"], ids["student_id"]))
    for notebook in notebooks:
        path = os.path.join(dest, os.path.splitext(os.path.basename(notebook))[0] + ".ipynb")
        if os.path.exists(path):
            os.remove(path)


# ------------------------------------------------------------------ the table


def summary(converter, graded, notes, failures, seconds):
    """The class at a glance: scores per exercise, what did not run, how long it took."""
    assignment = converter.coursedir.assignment_id
    totals, maxima = {}, {}
    with Gradebook(converter.coursedir.db_url, converter.coursedir.course_id) as gradebook:
        for student in graded:
            submission = gradebook.find_submission(assignment, student)
            scores, tops = {}, {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if not grade.max_score:   # a reflection question worth no points: nothing to average
                        continue
                    exercise = grade.name.split("_", 1)[1] if grade.name.startswith(("test_", "hidden_")) else grade.name
                    scores[exercise] = scores.get(exercise, 0.0) + (grade.score or 0.0)
                    tops[exercise] = tops.get(exercise, 0.0) + grade.max_score
            maxima.update(tops)
            for exercise, score in scores.items():
                totals.setdefault(exercise, []).append(score)
    lines = [f"Graded {len(graded)} submission{'s' if len(graded) != 1 else ''} of {assignment} in "
             f"{seconds:.0f} s, {converter.jobs} at a time."]
    if totals:
        width = max(len(name) for name in totals) + 2
        lines += ["", f"{'exercise':<{width}}{'mean':>7}{'spread':>9}{'min':>6}{'max':>6}{'of':>5}"]
        class_totals = [sum(values) for values in zip(*totals.values())]
        rows = list(totals.items()) + [("total", class_totals)]
        for name, values in rows:
            top = sum(maxima.values()) if name == "total" else maxima[name]
            spread = statistics.pstdev(values) if len(values) > 1 else 0.0
            lines.append(f"{name:<{width}}{statistics.mean(values):7.2f}{spread:9.2f}{min(values):6.1f}"
                         f"{max(values):6.1f}{top:5.0f}")
    for student, problem in converter.unreadable.items():
        notes.setdefault(student, {})["unreadable"] = problem
    stopped = {student: note for student, note in sorted(notes.items()) if note.get("kernel_stopped")
               or note.get("cell_errors") or note.get("unreadable") or note.get("stopped")}
    if stopped:
        lines += ["", "Did not run to the end (the scores count what ran):"]
        for student, note in stopped.items():
            lines.append(f"  {student}: {_why(note)}")
    if failures:
        lines += ["", "Not graded:"] + [f"  {student}: {reason}" for student, reason in sorted(failures.items())]
    return "\n".join(lines)


def _why(note):
    reasons = []
    if note.get("unreadable"):
        reasons.append(note["unreadable"])
    if note.get("kernel_stopped"):
        reasons.append(f"in the feedback run, {note['kernel_stopped']}")
    for label, reason in list(note.get("cell_errors", {}).items())[:2]:
        first = reason.splitlines()[0]
        reasons.append(f"cell {label}: {first[:120]}")
    for reason in list(dict.fromkeys(note.get("stopped", {}).values()))[:2]:
        reasons.append(reason.splitlines()[0][:120])
    return "; ".join(reasons)
