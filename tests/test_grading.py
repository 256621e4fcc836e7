"""The hidden-test harness: right answers pass, wrong ones fail with a message that says why."""

import math

import numpy as np
import pytest

import solutions
from grading import GradingError, grade, grade_on_its_own, require_own_work
from grading.cases import EXERCISES


# Independent implementations, written the way a careful student would.
def gd_step(w, g, lr):
    return w - lr * g


def run_gradient_descent(grad, w0, lr, num_steps):
    path = [np.array(w0, copy=True)]
    for _ in range(num_steps):
        path.append(gd_step(path[-1], grad(path[-1]), lr))
    return np.stack(path)


def numerical_gradient(f, w, h=1e-5):
    w = np.array(w, dtype=np.float64)
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        bump = np.zeros_like(w)
        bump[i] = h
        grad[i] = (f(w + bump) - f(w - bump)) / (2 * h)
    return grad


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    order = np.random.permutation(m)
    X, Y = X[:, order], Y[:, order]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


def update_parameters_with_gd(parameters, grads, learning_rate):
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}


def train_with_mini_batches(X, Y, parameters, cost_and_grads, learning_rate,
                            mini_batch_size=64, num_epochs=1, seed=0):
    path = [dict(parameters)]
    for epoch in range(num_epochs):
        for Xb, Yb in random_mini_batches(X, Y, mini_batch_size, seed + epoch):
            _, grads = cost_and_grads(Xb, Yb, parameters)
            parameters = update_parameters_with_gd(parameters, grads, learning_rate)
            path.append(parameters)
    return parameters, path


STUDENT = {f.__name__: f for f in [gd_step, run_gradient_descent, numerical_gradient, random_mini_batches,
                                    update_parameters_with_gd, train_with_mini_batches]}


def test_every_exercise_has_cases_and_a_reference():
    # Independent implementations of chapters 1-2 exercise the harness here; that every
    # chapter's own solutions pass its hidden tests is the end-to-end "solved" submission.
    assert set(STUDENT) <= set(EXERCISES)
    for name, exercise in EXERCISES.items():
        assert exercise.reference is getattr(solutions, name)
        assert len(list(exercise.cases(np.random.default_rng(0)))) >= 8


@pytest.mark.parametrize("name", sorted(STUDENT))
def test_a_correct_implementation_passes(name, capsys):
    grade(name, dict(STUDENT))
    assert "hidden test cases match the reference" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(STUDENT))
def test_the_reference_itself_is_refused(name):
    namespace = dict(STUDENT, **{name: getattr(solutions, name)})
    with pytest.raises(GradingError, match="calls the reference package"):
        require_own_work(name, namespace)
    with pytest.raises(GradingError, match="calls the reference package"):
        grade(name, namespace)


def test_a_function_that_delegates_to_the_reference_is_refused():
    namespace = dict(STUDENT)
    exec("import solutions\ndef gd_step(w, g, lr):\n    return solutions.gd_step(w, g, lr)\n", namespace)
    with pytest.raises(GradingError, match=r"calls the reference package \(solutions.gd_step\)"):
        grade("gd_step", namespace)


BROKEN_GD_STEPS = {
    "wrong: relative error": lambda w, g, lr: w + lr * g,
    "returned None": lambda w, g, lr: None,
    "changed one of its inputs in place": lambda w, g, lr: w.__isub__(lr * g),
    "NaN or inf": lambda w, g, lr: w * np.nan,
    "has shape": lambda w, g, lr: np.append(w, 0.0),
    "has dtype float64": lambda w, g, lr: (w - lr * g).astype(np.float64),
    "raised IndexError": lambda w, g, lr: w[1000],
}


@pytest.mark.parametrize("message", sorted(BROKEN_GD_STEPS))
def test_a_broken_function_fails_with_a_message_naming_the_problem(message):
    with pytest.raises(GradingError, match=message):
        grade("gd_step", {"gd_step": BROKEN_GD_STEPS[message]})


def test_a_missing_function_is_reported():
    with pytest.raises(GradingError, match="gd_step is not defined"):
        grade("gd_step", {})


def test_a_function_that_never_returns_is_stopped(monkeypatch):
    import grading.harness
    monkeypatch.setattr(grading.harness, "SECONDS_PER_CALL", 0.2)

    def gd_step(w, g, lr):
        while True:
            try:
                pass
            except Exception:  # swallowing ordinary exceptions must not defeat the time limit
                pass

    with pytest.raises(GradingError, match="did not return within"):
        grade("gd_step", {"gd_step": gd_step})


def test_an_exercise_is_graded_with_the_reference_versions_of_what_it_builds_on():
    namespace = dict(STUDENT)
    exec("def gd_step(w, g, lr):\n    return None\n", namespace)  # broken earlier exercise
    exec(run_gradient_descent_source(), namespace)
    grade("run_gradient_descent", namespace)  # passes: graded on its own
    assert namespace["gd_step"](np.ones(1), np.ones(1), 0.1) is None  # and the student's gd_step is back


def run_gradient_descent_source():
    return ("import numpy as np\n"
            "def run_gradient_descent(grad, w0, lr, num_steps):\n"
            "    path = [w0]\n"
            "    for _ in range(num_steps):\n"
            "        path.append(gd_step(path[-1], grad(path[-1]), lr))\n"
            "    return np.stack(path)\n")


def test_grade_on_its_own_isolates_the_visible_test_and_is_undone_by_require_own_work():
    namespace = dict(STUDENT)
    exec("def gd_step(w, g, lr):\n    return None\n", namespace)
    exec(run_gradient_descent_source(), namespace)
    student_version = namespace["run_gradient_descent"]
    isolated = grade_on_its_own(student_version)
    path = isolated(lambda w: 2 * w, np.array([1.0]), 0.25, 2)
    np.testing.assert_allclose(path.ravel(), [1.0, 0.5, 0.25])  # (1 − 0.25·2)^k
    namespace["run_gradient_descent"] = isolated
    require_own_work("run_gradient_descent", namespace)
    assert namespace["run_gradient_descent"] is student_version


def test_a_grading_error_shows_its_message_and_no_code():
    try:
        grade("gd_step", {"gd_step": lambda w, g, lr: w + lr * g})
    except GradingError as error:
        lines = error._render_traceback_()
    assert lines[0].startswith("GradingError: gd_step failed")
    assert not any("grade(" in line or "File " in line for line in lines)


def test_cases_use_both_dtypes_and_keyword_arguments():
    args_seen = [case for case in EXERCISES["gd_step"].cases(np.random.default_rng(0))]
    dtypes = {args[0].dtype for args, _ in args_seen}
    assert dtypes == {np.dtype(np.float64), np.dtype(np.float32)}
    assert any("lr" in kwargs for _, kwargs in args_seen)
    assert any(len(args) == 3 for args, _ in args_seen)


def test_the_least_squares_model_used_by_the_cases_has_correct_gradients():
    from grading.cases.ch02 import LEAST_SQUARES
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((2, 9)), rng.standard_normal((1, 9))
    params = {"W1": rng.standard_normal((1, 2)), "b1": rng.standard_normal((1, 1))}
    _, grads = LEAST_SQUARES(X, Y, params)
    h = 1e-6
    for key in params:
        for i in np.ndindex(params[key].shape):
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[key][i] += h
            down[key][i] -= h
            numeric = (LEAST_SQUARES(X, Y, up)[0] - LEAST_SQUARES(X, Y, down)[0]) / (2 * h)
            assert math.isclose(grads["d" + key][i], numeric, rel_tol=1e-6, abs_tol=1e-9)
