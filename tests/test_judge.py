"""The judge: right values earn the points (in any style), wrong ones lose a share and are told why.

Student functions are called in-process here (``InProcess``, as in an
author's notebook), so these tests are fast; the same judge runs on
sandboxed workers in the end-to-end tests.
"""

import math
import re

import numpy as np
import pytest

import solutions
from grading import GradingError, grade
from grading.cases import EXERCISES, Case
from grading.judge import InProcess, compare, judge_hidden, judge_visible, reference_functions, setup_namespace
from grading.mistakes import MODULES
from nbtools import cell_by_grade_id, read_chapter
from scripts.course_tools import REPO


def hidden(name, implementation, points=3):
    """The verdict of the hidden cases of ``name`` on ``implementation``."""
    exercise = EXERCISES[name]
    call = InProcess({name: implementation}).caller(name, reference_functions(exercise.dependencies), seconds=2)
    return judge_hidden(exercise, call, points)


def cases_of(name):
    return [c if isinstance(c, Case) else Case(*c)
            for c in EXERCISES[name].cases(np.random.default_rng(EXERCISES[name].seed))]


# Independent implementations, written the way a careful student would.
def gd_step(w, g, lr):
    return w - lr * g


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    order = np.random.permutation(m)
    X, Y = X[:, order], Y[:, order]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]


def numerical_gradient(f, w, h=1e-5):
    w = np.array(w, dtype=np.float64)
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        bump = np.zeros_like(w)
        bump[i] = h
        grad[i] = (f(w + bump) - f(w - bump)) / (2 * h)
    return grad


@pytest.mark.parametrize("function", [gd_step, random_mini_batches, numerical_gradient])
def test_a_correct_implementation_earns_every_hidden_point(function):
    verdict = hidden(function.__name__, function)
    assert verdict.score == verdict.max_score == 3, verdict.text
    assert verdict.text.startswith(f"{function.__name__}: all {len(cases_of(function.__name__))} hidden test cases")


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_reference_itself_earns_every_point(name):
    assert hidden(name, getattr(solutions, name)).score == 3


# Chapter 11, written in other styles than the reference: a one-hot matrix and np.log(np.sum(...)),
# rng.normal with a loop over range(1, L + 1), the norm in the arrays' own dtype and scaling copies in
# place, np.pad and slicing, np.geomspace (NumPy float64 rates: float32 parameters become float64).
def softmax_cross_entropy(Z, y):
    K, m = Z.shape
    Y = np.eye(K, dtype=Z.dtype)[:, y]
    c = np.max(Z, axis=0)
    log_sum_exp = c + np.log(np.sum(np.exp(Z - c), axis=0))
    P = np.exp(Z - log_sum_exp)
    return float(np.sum(log_sum_exp - np.sum(Y * Z, axis=0)) / m), (P - Y) / m


def he_initialization(layer_dims, seed):
    rng = np.random.default_rng(seed)
    L = len(layer_dims) - 1
    parameters = {}
    for l in range(1, L + 1):
        parameters["W" + str(l)] = rng.normal(0.0, np.sqrt(2.0 / layer_dims[l - 1]), (layer_dims[l], layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    clipped = {key: g.copy() for key, g in grads.items()}
    if norm > max_norm:
        for g in clipped.values():
            g *= max_norm / norm
    return clipped, float(norm)


def random_shift(images, max_shift, seed):
    m, H, W = images.shape
    shifts = np.random.default_rng(seed).integers(-max_shift, max_shift + 1, size=(m, 2))
    padded = np.pad(images, ((0, 0), (max_shift, max_shift), (max_shift, max_shift)))
    out = np.empty_like(images)
    for i, (d, e) in enumerate(shifts):
        out[i] = padded[i, max_shift - d:max_shift - d + H, max_shift - e:max_shift - e + W]
    return out


def lr_range_test(loss_and_grads, parameters, lr_min, lr_max, num_steps, diverge_factor=4.0):
    params = dict(parameters)
    lrs, losses = [], []
    for t, lr in enumerate(np.geomspace(lr_min, lr_max, num_steps)):
        loss, grads = loss_and_grads(params, t)
        lrs.append(lr)
        losses.append(float(loss))
        if np.isnan(loss) or np.isinf(loss) or loss > diverge_factor * min(losses):
            break
        for key in params:
            params[key] = params[key] - lr * grads["d" + key]
    return np.array(lrs), np.array(losses)


CHAPTER_11_STYLES = [softmax_cross_entropy, he_initialization, clip_by_global_norm, random_shift, lr_range_test]


@pytest.mark.parametrize("function", CHAPTER_11_STYLES, ids=[f.__name__ for f in CHAPTER_11_STYLES])
def test_chapter_11_in_other_styles_earns_every_hidden_point(function):
    verdict = hidden(function.__name__, function)
    assert verdict.score == 3, verdict.text
    assert "in place" not in verdict.text, verdict.text


BROKEN_GD_STEPS = {
    "returned None": lambda w, g, lr: None,
    "NaN or inf": lambda w, g, lr: w * np.nan,
    "has shape": lambda w, g, lr: np.append(w, 0.0),
    "raised IndexError": lambda w, g, lr: w[1000],
    "should be a number or an array of numbers, got str": lambda w, g, lr: "w - lr * g",
}


@pytest.mark.parametrize("message", sorted(BROKEN_GD_STEPS))
def test_a_broken_function_gets_no_points_and_a_message_naming_the_problem(message):
    verdict = hidden("gd_step", BROKEN_GD_STEPS[message])
    assert verdict.score == 0 and message in verdict.text


def test_a_function_that_never_returns_is_stopped_and_the_rest_is_not_run():
    def gd_step(w, g, lr):
        while True:
            try:
                pass
            except Exception:  # swallowing ordinary exceptions does not defeat the time limit
                pass

    verdict = hidden("gd_step", gd_step)
    assert verdict.score == 0 and "did not finish within 2 s" in verdict.text
    assert f"The other {len(cases_of('gd_step')) - 1} cases were not run" in verdict.text


def test_missing_and_non_callable_names_are_reported():
    exercise = EXERCISES["gd_step"]
    for namespace, words in [({}, "gd_step is not defined"), ({"gd_step": 3}, "should be a function, but it is a int")]:
        verdict = judge_hidden(exercise, InProcess(namespace).caller("gd_step"), 3)
        assert verdict.score == 0 and words in verdict.text


def test_one_wrong_case_costs_its_share_not_all_points():
    # Wrong only for arrays with three axes: the share lost is the share of such cases.
    def gd_step(w, g, lr):
        return w + lr * g if w.ndim == 3 else w - lr * g

    cases = cases_of("gd_step")
    wrong = sum(case.args[0].ndim == 3 for case in cases)
    assert 0 < wrong < len(cases)
    verdict = hidden("gd_step", gd_step)
    assert verdict.score == round(3 * (len(cases) - wrong) / len(cases), 2)
    assert f"is wrong on {wrong} of {len(cases)} hidden test cases ({verdict.score:g} of 3 points)" in verdict.text


MISTAKES = [(name, implementation, description) for module in MODULES
            for name, implementation, description in module.MISTAKES]
# Mistakes of form, not of value: the visible test asks for the form the chapter's figures need,
# the hidden cases grade the values (a list of the right arrays holds the right values).
FORM_ONLY = {"run_gd_returns_list"}


@pytest.mark.parametrize("name, implementation, description", MISTAKES,
                         ids=[f"{n}-{i.__name__}" for n, i, _ in MISTAKES])
def test_the_hidden_cases_catch_every_known_mistake(name, implementation, description):
    verdict = hidden(name, implementation)
    if implementation.__name__ in FORM_ONLY:
        assert verdict.score == 3, verdict.text
    else:
        assert verdict.score < 3, f"the hidden cases do not catch: {description}"


@pytest.mark.parametrize("name, implementation, description",
                         [m for m in MISTAKES if m[1].__name__ not in FORM_ONLY],
                         ids=[f"{n}-{i.__name__}" for n, i, _ in MISTAKES if i.__name__ not in FORM_ONLY])
def test_the_hidden_feedback_names_each_known_mistake_as_itself(name, implementation, description):
    """No other mistake that happens to agree with it on one failing case takes its name."""
    text = hidden(name, implementation).text
    assert f"it looks like {description}." in text, text


def test_the_hidden_feedback_names_a_known_mistake():
    def adam_eps_inside(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
        return w - lr * m_hat / np.sqrt(v_hat + eps), m, v

    text = hidden("adam_step", adam_eps_inside).text
    assert re.search(r"adam_step is wrong on \d+ of 18 hidden test cases \(\S+ of 3 points\): it looks like "
                     r"eps was put inside the square root", text), text


ACCEPTED = [(name, implementation, words) for module in MODULES for name, implementation, words in module.ACCEPTED]


@pytest.mark.parametrize("name, implementation, words", ACCEPTED, ids=[f"{n}-{i.__name__}" for n, i, _ in ACCEPTED])
def test_a_correct_function_that_updates_its_inputs_in_place_earns_every_point(name, implementation, words):
    verdict = hidden(name, implementation)
    assert verdict.score == 3, verdict.text
    assert f"Note: {name} changed" in verdict.text and "in place" in verdict.text
    assert "returning new arrays is safer" in verdict.text


def test_the_classic_assignments_dict_style_earns_every_point():
    # The deeplearning.ai assignment's own idiom: update the caller's dict and return it.
    def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
        L = len(parameters) // 2
        for l in range(1, L + 1):
            v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
            v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
            parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
            parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
        return parameters, v

    verdict = hidden("update_parameters_with_momentum", update_parameters_with_momentum)
    assert verdict.score == 3 and "changed parameters['W1']" in verdict.text


def test_float64_results_for_float32_inputs_earn_the_points_where_the_dtype_is_not_the_point():
    def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - np.power(beta1, t))   # a NumPy float64 scalar: float32 arrays become float64
        v_hat = v / (1 - np.power(beta2, t))
        return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v

    float32_cases = [c for c in cases_of("adam_step") if c.args[0].dtype == np.float32]
    assert float32_cases and adam_step(*float32_cases[0].args)[0].dtype == np.float64
    verdict = hidden("adam_step", adam_step)
    assert verdict.score == 3, verdict.text
    assert "returned float64 values; they match at float32 precision" in verdict.text


def _l2_cost_in_numpy_scalars(X, Y, parameters, cost_and_grads, lambd):
    # The deeplearning.ai style: the penalty summed in NumPy scalars, so that a float32 network's
    # cost comes back as np.float32 (a Python float plus np.float32 is np.float32 under NumPy 2).
    m = X.shape[1]
    cost, grads = cost_and_grads(X, Y, parameters)
    L2 = 0
    for key in parameters:
        if key.startswith("W"):
            L2 += np.sum(np.square(parameters[key]))
    new_grads = {key: value + lambd / m * parameters[key[1:]] if key.startswith("dW") else value
                 for key, value in grads.items()}
    return cost + (1 / m) * (lambd / 2) * L2, new_grads


def test_a_number_at_the_precision_of_float32_inputs_earns_the_points():
    # The reference returns a Python float for the cost; a float32 cost from float32 inputs is
    # as precise as its inputs (from float64 inputs it would have lost digits, and is refused).
    float32_cases = [c for c in cases_of("cost_and_grads_with_l2") if c.args[0].dtype == np.float32]
    assert float32_cases
    cost, _ = _l2_cost_in_numpy_scalars(*float32_cases[0].args)
    assert isinstance(cost, np.float32)
    verdict = hidden("cost_and_grads_with_l2", _l2_cost_in_numpy_scalars)
    assert verdict.score == 3, verdict.text


def test_rmsprop_in_keras_form_earns_the_points():
    # s + (1 - beta)(g^2 - s) is (4.6) rearranged (Keras writes its averages so): right to
    # float32 precision on every case, though not to the reference's last bits.
    def rmsprop_step(w, g, s, lr, beta=0.9, eps=1e-8):
        s = s + (1 - beta) * (g * g - s)
        return w - lr * g / (np.sqrt(s) + eps), s

    verdict = hidden("rmsprop_step", rmsprop_step)
    assert verdict.score == 3, verdict.text


def test_a_number_below_the_precision_of_its_inputs_is_refused():
    case = next(c for c in cases_of("cost_and_grads_with_l2") if c.args[0].dtype == np.float64)
    cost, grads = solutions.cost_and_grads_with_l2(*case.args, **case.kwargs)
    problem = compare((np.float32(cost), grads), (cost, grads), EXERCISES["cost_and_grads_with_l2"],
                      (case.args, case.kwargs))
    assert problem and "has dtype float32, expected float64" in problem


def test_a_float_where_the_reference_returns_an_integer_loses_the_points():
    def early_stopping(validation_losses, patience):
        best, stop = solutions.early_stopping(validation_losses, patience)
        return float(best), float(stop)   # the chapter indexes a list with them

    verdict = hidden("early_stopping", early_stopping)
    assert verdict.score == 0, verdict.text
    assert "is the float" in verdict.text and "return the integer" in verdict.text
    assert visible("07_regularization", "early_stopping", early_stopping).score == 0


def test_float64_state_for_float32_parameters_loses_the_float32_cases():
    def initialize_adam(parameters):
        v = {"d" + k: np.zeros(p.shape) for k, p in parameters.items()}
        return v, {k: z.copy() for k, z in v.items()}

    cases = cases_of("initialize_adam")
    float64 = sum(next(iter(c.args[0].values())).dtype == np.float64 for c in cases)
    assert 0 < float64 < len(cases)
    verdict = hidden("initialize_adam", initialize_adam)
    assert verdict.score == round(3 * float64 / len(cases), 2) < 3
    assert "has dtype float64, expected float32" in verdict.text


def test_a_later_exercise_is_graded_with_the_reference_versions_of_what_it_builds_on():
    namespace = {}
    exec("import numpy as np\n"
         "def gd_step(w, g, lr):\n    return None\n"      # a broken earlier exercise
         "def run_gradient_descent(grad, w0, lr, num_steps):\n"
         "    path = [w0]\n"
         "    for _ in range(num_steps):\n"
         "        path.append(gd_step(path[-1], grad(path[-1]), lr))\n"
         "    return np.stack(path)\n", namespace)
    exercise = EXERCISES["run_gradient_descent"]
    call = InProcess(namespace).caller("run_gradient_descent", reference_functions(exercise.dependencies))
    assert judge_hidden(exercise, call, 3).score == 3
    assert namespace["gd_step"](np.ones(1), np.ones(1), 0.1) is None  # the student's own is back


def test_feedback_has_no_long_reprs_no_paths_and_no_code():
    texts = [hidden("gd_step", f).text for f in BROKEN_GD_STEPS.values()]
    texts += [hidden("adam_step", lambda *a, **k: (a[0] + 1, a[2], a[3])).text]
    for text in texts:
        assert "np.float64(" not in text and "array(" not in text, text
        assert str(REPO) not in text and "grading/" not in text and "solutions" not in text, text
        assert "def " not in text and "exercise.cases" not in text


def test_gradient_checks_are_cases_of_the_backward_exercises():
    cases = cases_of("batchnorm_backward")
    checks = [c for c in cases if c.compare]
    assert len(checks) == 2 and all("gradient check" in c.what for c in checks)

    def wrong_dgamma(dout, cache):
        dZ, dgamma, dbeta = solutions.batchnorm_backward(dout, cache)
        return dZ, 2 * dgamma, dbeta

    problems = [check.compare(wrong_dgamma(*check.args), check.expected) for check in checks]
    assert all("fails the gradient check: dgamma differs from central finite differences" in p for p in problems)
    assert [check.compare(solutions.batchnorm_backward(*check.args), check.expected) for check in checks] == [None] * 2
    assert hidden("batchnorm_backward", wrong_dgamma).score < 0.5  # right only where dgamma is 0


def test_an_authors_notebook_grades_its_own_functions_and_fails_loudly(capsys):
    grade("gd_step", {"gd_step": gd_step})
    assert "all 20 hidden test cases match the reference" in capsys.readouterr().out
    with pytest.raises(GradingError) as failure:
        grade("gd_step", {"gd_step": lambda w, g, lr: w + lr * g})
    lines = failure.value._render_traceback_()
    assert lines[0].startswith("GradingError: gd_step is wrong on")
    assert not any("File " in line or "grade(" in line for line in lines)


def visible(chapter, name, implementation):
    nb = read_chapter(chapter)
    setup = setup_namespace(cell_by_grade_id(nb, "setup").source, REPO / "chapters")
    call = InProcess({name: implementation}).caller(name, reference_functions(EXERCISES[name].dependencies))
    return judge_visible(name, cell_by_grade_id(nb, f"test_{name}").source, setup, {name: call}, 1)


def test_the_visible_test_is_judged_in_the_grader():
    right = visible("01_gradient_descent", "gd_step", gd_step)
    assert right.score == 1 and "Visible test of gd_step: passed (1 of 1 point)." in right.text
    wrong = visible("01_gradient_descent", "gd_step", lambda w, g, lr: w + lr * g)
    assert wrong.score == 0 and "It looks like the gradient was added instead of subtracted" in wrong.text
    broken = visible("01_gradient_descent", "gd_step", lambda w, g, lr: None)
    assert broken.score == 0 and "returned None" in broken.text


def test_cases_use_both_dtypes_and_keyword_arguments():
    cases = cases_of("gd_step")
    assert {c.args[0].dtype for c in cases} == {np.dtype(np.float64), np.dtype(np.float32)}
    assert any("lr" in c.kwargs for c in cases) and any(len(c.args) == 3 for c in cases)


def test_every_exercise_has_enough_cases_and_a_reference():
    for name, exercise in EXERCISES.items():
        assert exercise.reference is getattr(solutions, name)
        assert len(cases_of(name)) >= 8


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


def test_float32_dicts_are_compared_at_float32_precision():
    # The classic dict idiom with np.power: float64 results for float32 parameters, right at float32 precision.
    def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                    epsilon=1e-8):
        v_corrected, s_corrected = {}, {}
        for key in parameters:
            d = "d" + key
            v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
            s[d] = beta2 * s[d] + (1 - beta2) * np.power(grads[d], 2)
            v_corrected[d] = v[d] / (1 - np.power(beta1, t))
            s_corrected[d] = s[d] / (1 - np.power(beta2, t))
            parameters[key] = parameters[key] - learning_rate * v_corrected[d] / (np.sqrt(s_corrected[d]) + epsilon)
        return parameters, v, s, v_corrected, s_corrected

    verdict = hidden("update_parameters_with_adam", update_parameters_with_adam)
    assert verdict.score == 3, verdict.text


def test_float32_inputs_passed_by_keyword_set_the_tolerance_too():
    # A float64 computation of a float32 step: right at float32 precision, not at float64's.
    def gd_step(w, g, lr):
        return w.astype(np.float64) - lr * g.astype(np.float64)

    def by_keyword(rng):
        for size in (3, 50):
            w, g = rng.standard_normal((2, size)).astype(np.float32)
            yield (), {"w": w, "g": g, "lr": 0.1}

    exercise = EXERCISES["gd_step"]
    keyword_only = type(exercise)(name="gd_step", cases=by_keyword, seed=1)
    float32 = np.ones(2, np.float32)
    assert exercise.tolerance(((), {"w": float32})) == exercise.tolerance(((float32,), {}))
    call = InProcess({"gd_step": gd_step}).caller("gd_step", {}, seconds=2)
    verdict = judge_hidden(keyword_only, call, 3)
    assert verdict.score == 3, verdict.text
