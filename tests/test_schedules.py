"""Tests of the learning-rate schedules (reference API, section 3), against closed forms."""

import doctest
import math

import numpy as np
import pytest

import solutions
from assertions import assert_public_with_signature
from solutions import exponential_decay, schedule_lr_decay, update_lr

CONTRACT = {
    "update_lr": "learning_rate0, epoch_num, decay_rate",
    "schedule_lr_decay": "learning_rate0, epoch_num, decay_rate, time_interval=1000",
    "exponential_decay": "learning_rate0, epoch_num, k",
}


@pytest.mark.parametrize("name", CONTRACT)
def test_signature_matches_reference_api(name):
    assert_public_with_signature(name, CONTRACT[name])


def test_docstring_examples_run():
    result = doctest.testmod(solutions.schedules)
    assert result.attempted >= 3 and result.failed == 0


@pytest.mark.parametrize("lr0, epoch, k, expected", [
    (0.5, 0, 1.0, 0.5),            # 0.5/(1 + 0)
    (0.5, 2, 1.0, 0.5 / 3),        # the seed assignment's example: 0.5/(1 + 1*2) = 0.1667
    (0.5, 2, 1.5, 0.125),          # 0.5/(1 + 3)
    (0.1, 99, 0.01, 0.1 / 1.99),   # 0.1/(1 + 0.99)
    (1.0, 2.5, 2.0, 1 / 6),        # fractional epochs: 1/(1 + 5)
    (0.3, 1000, 0.0, 0.3),         # no decay
])
def test_update_lr_closed_form(lr0, epoch, k, expected):
    assert update_lr(lr0, epoch, k) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("epoch, drops", [(0, 0), (1, 0), (999, 0), (1000, 1), (1001, 1),
                                          (1999, 1), (2000, 2), (10_500, 10)])
def test_schedule_lr_decay_is_a_staircase(epoch, drops):
    # lr0/(1 + k*floor(epoch/1000)): constant on [1000 j, 1000 (j + 1)), drops at the multiples
    assert schedule_lr_decay(0.5, epoch, 0.3) == pytest.approx(0.5 / (1 + 0.3 * drops), rel=1e-14)


def test_schedule_lr_decay_constant_within_intervals_and_drops_at_multiples():
    T = 50
    values = [schedule_lr_decay(0.2, e, 1.0, time_interval=T) for e in range(4 * T)]
    for j in range(4):
        assert len(set(values[j * T:(j + 1) * T])) == 1                    # constant inside
        assert values[j * T] == pytest.approx(0.2 / (1 + j), rel=1e-14)   # 0.2, 0.1, 0.0667, 0.05
    drops = [e for e in range(1, 4 * T) if values[e] < values[e - 1]]
    assert drops == [T, 2 * T, 3 * T]


def test_schedule_lr_decay_with_interval_one_is_update_lr():
    for e in range(20):
        assert schedule_lr_decay(0.7, e, 0.4, time_interval=1) == pytest.approx(
            update_lr(0.7, e, 0.4), rel=1e-15)


@pytest.mark.parametrize("lr0, epoch, k, expected", [
    (0.1, 0, 0.5, 0.1),
    (0.1, 10, math.log(2) / 10, 0.05),     # half-life of 10 epochs
    (0.1, 20, math.log(2) / 10, 0.025),
    (2.0, 3, 1.0, 2.0 * 0.049787068367863944),   # e^-3 = 0.04978706836786394
])
def test_exponential_decay_closed_form(lr0, epoch, k, expected):
    assert exponential_decay(lr0, epoch, k) == pytest.approx(expected, rel=1e-14)


def test_exponential_decay_has_a_constant_ratio_per_epoch():
    values = [exponential_decay(0.3, e, 0.2) for e in range(30)]
    ratios = np.array(values[1:]) / np.array(values[:-1])
    np.testing.assert_allclose(ratios, math.exp(-0.2), rtol=1e-13)


SCHEDULES = [
    (update_lr, (0.5, 1.5)),
    (schedule_lr_decay, (0.5, 1.5, 7)),
    (exponential_decay, (0.5, 0.01)),
]


@pytest.mark.parametrize("schedule, hp", SCHEDULES)
def test_scalar_epochs_give_python_floats(schedule, hp):
    for epoch in (0, 3, np.int64(3), 3.0, np.float32(3.0)):
        value = schedule(hp[0], epoch, *hp[1:])
        assert type(value) is float


@pytest.mark.parametrize("schedule, hp", SCHEDULES)
def test_array_of_epochs_is_elementwise_and_non_increasing(schedule, hp):
    epochs = np.arange(100)
    values = schedule(hp[0], epochs, *hp[1:])
    assert isinstance(values, np.ndarray) and values.shape == (100,) and values.dtype == np.float64
    np.testing.assert_array_equal(values, [schedule(hp[0], int(e), *hp[1:]) for e in epochs])
    assert np.all(np.diff(values) <= 0) and values[0] == hp[0]


@pytest.mark.parametrize("schedule, hp", SCHEDULES)
def test_input_array_not_modified(schedule, hp):
    epochs = np.arange(5)
    schedule(hp[0], epochs, *hp[1:])
    np.testing.assert_array_equal(epochs, np.arange(5))


# --------------------------------------------------------------------------
# Chapter 6: step decay, cosine annealing, warm-up, the linear scaling rule
# --------------------------------------------------------------------------

from solutions import cosine_decay, linear_scaling, linear_warmup, step_decay, warmup_cosine  # noqa: E402

CONTRACT_CH6 = {
    "step_decay": "learning_rate0, epoch_num, drop=0.5, epochs_per_drop=10",
    "cosine_decay": "learning_rate0, step, total_steps, min_learning_rate=0.0",
    "linear_warmup": "learning_rate0, step, warmup_steps",
    "warmup_cosine": "learning_rate0, step, warmup_steps, total_steps, min_learning_rate=0.0",
    "linear_scaling": "learning_rate0, batch_size, base_batch_size=256",
}


@pytest.mark.parametrize("name", CONTRACT_CH6)
def test_chapter6_signatures(name):
    assert_public_with_signature(name, CONTRACT_CH6[name])


@pytest.mark.parametrize("epoch, expected", [
    (0, 0.1), (9, 0.1), (10, 0.05), (19, 0.05), (20, 0.025), (35, 0.0125),   # halves every 10 epochs
])
def test_step_decay_defaults_halve_every_ten_epochs(epoch, expected):
    assert step_decay(0.1, epoch) == pytest.approx(expected, rel=1e-14)


def test_step_decay_resnet_tenfold_drops_and_agreement_with_exponential():
    # the ResNet CIFAR schedule in epochs of 1000 iterations: 0.1, then 0.01, then 0.001
    assert [step_decay(0.1, e, drop=0.1, epochs_per_drop=32) for e in (0, 31, 32, 64)] == \
        pytest.approx([0.1, 0.1, 0.01, 0.001], rel=1e-12)
    # at every multiple of T, step decay with drop d equals exponential decay with k = -ln(d) / T
    for j in range(6):
        assert step_decay(0.3, 7 * j, 0.5, 7) == pytest.approx(
            exponential_decay(0.3, 7 * j, math.log(2) / 7), rel=1e-12)
    assert step_decay(0.3, 1000, drop=0.0) == 0.0 and step_decay(0.3, 5, drop=0.0) == 0.3


@pytest.mark.parametrize("step, expected", [
    (0, 1.0),                                   # cos 0 = 1
    (25, 0.5 * (1 + math.sqrt(0.5))),           # cos(pi/4) = sqrt(2)/2: 0.8535533905932737
    (50, 0.5),                                  # cos(pi/2) = 0: the midpoint
    (75, 0.5 * (1 - math.sqrt(0.5))),           # cos(3 pi/4) = -sqrt(2)/2
    (100, 0.0),                                 # cos(pi) = -1
    (130, 0.0),                                 # past the end: clamped
])
def test_cosine_decay_closed_form(step, expected):
    assert cosine_decay(1.0, step, 100) == pytest.approx(expected, rel=1e-14, abs=1e-16)


def test_cosine_decay_with_a_minimum_is_an_affine_copy():
    for step in range(0, 120, 7):
        plain = cosine_decay(1.0, step, 100)
        assert cosine_decay(0.5, step, 100, min_learning_rate=0.1) == pytest.approx(0.1 + 0.4 * plain, rel=1e-14)
    assert cosine_decay(0.5, 0, 100, 0.1) == 0.5 and cosine_decay(0.5, 100, 100, 0.1) == pytest.approx(0.1)


def test_cosine_decay_is_non_increasing_and_symmetric():
    values = cosine_decay(0.2, np.arange(201), 200)
    assert np.all(np.diff(values) <= 0)
    # symmetric about the midpoint: lr(t) + lr(T - t) = lr0 + min
    np.testing.assert_allclose(values + values[::-1], 0.2, rtol=1e-13)
    assert values.sum() == pytest.approx(0.2 * 201 / 2, rel=1e-12)


@pytest.mark.parametrize("step, expected", [(0, 0.25), (1, 0.5), (2, 0.75), (3, 1.0), (4, 1.0), (100, 1.0)])
def test_linear_warmup_starts_at_lr0_over_w_and_reaches_lr0_at_step_w_minus_1(step, expected):
    assert linear_warmup(1.0, step, 4) == pytest.approx(expected, rel=1e-15)


def test_linear_warmup_of_one_step_is_constant():
    assert [linear_warmup(0.3, s, 1) for s in range(3)] == [0.3, 0.3, 0.3]


@pytest.mark.parametrize("step, expected", [
    (0, 0.25), (1, 0.5), (3, 1.0),              # warm-up (t + 1) / 4
    (4, 1.0),                                   # the cosine starts at the end of the warm-up
    (9, 0.5),                                   # middle of the 10-step cosine
    (14, 0.0), (20, 0.0),                       # end, and past the end
])
def test_warmup_cosine_closed_form(step, expected):
    assert warmup_cosine(1.0, step, 4, 14) == pytest.approx(expected, rel=1e-14, abs=1e-16)


def test_warmup_cosine_is_continuous_at_the_warmup_boundary_and_monotone_on_each_phase():
    W, T = 50, 400
    values = warmup_cosine(0.1, np.arange(T + 1), W, T, min_learning_rate=0.01)
    assert values[W - 1] == pytest.approx(0.1, rel=1e-15) and values[W] == pytest.approx(0.1, rel=1e-15)
    assert np.all(np.diff(values[:W]) > 0) and np.all(np.diff(values[W:]) <= 0)
    assert values[0] == pytest.approx(0.1 / W, rel=1e-15)          # the warm-up ignores the minimum
    assert values[T] == pytest.approx(0.01, rel=1e-14)
    # the largest jump between consecutive steps is a warm-up increment, lr0 / W
    assert np.max(np.abs(np.diff(values))) == pytest.approx(0.1 / W, rel=1e-12)


def test_warmup_cosine_pieces_agree_with_linear_warmup_and_cosine_decay():
    for step in range(0, 60):
        expected = linear_warmup(0.4, step, 12) if step < 12 else cosine_decay(0.4, step - 12, 40, 0.05)
        assert warmup_cosine(0.4, step, 12, 52, 0.05) == pytest.approx(expected, rel=1e-14)
    # no warm-up: plain cosine
    for step in range(0, 30):
        assert warmup_cosine(0.4, step, 0, 25) == pytest.approx(cosine_decay(0.4, step, 25), rel=1e-14, abs=1e-16)


@pytest.mark.parametrize("batch, expected", [(256, 0.1), (512, 0.2), (8192, 3.2), (32, 0.0125), (1, 0.1 / 256)])
def test_linear_scaling_rule(batch, expected):
    assert linear_scaling(0.1, batch) == pytest.approx(expected, rel=1e-15)
    assert type(linear_scaling(0.1, batch)) is float


def test_linear_scaling_doubles_with_the_batch():
    assert linear_scaling(0.05, 128, base_batch_size=64) == pytest.approx(2 * linear_scaling(0.05, 64, 64))


CH6_SCHEDULES = [
    (step_decay, (0.5, 0.5, 7)),
    (cosine_decay, (0.5, 60)),
    (linear_warmup, (0.5, 9)),
    (warmup_cosine, (0.5, 9, 60, 0.05)),
]


@pytest.mark.parametrize("schedule, hp", CH6_SCHEDULES, ids=lambda x: getattr(x, "__name__", ""))
def test_chapter6_scalars_give_floats_and_arrays_are_elementwise(schedule, hp):
    for step in (0, 3, np.int64(3), 3.0):
        assert type(schedule(hp[0], step, *hp[1:])) is float
    steps = np.arange(100)
    values = schedule(hp[0], steps, *hp[1:])
    assert isinstance(values, np.ndarray) and values.dtype == np.float64 and values.shape == (100,)
    np.testing.assert_array_equal(values, [schedule(hp[0], int(s), *hp[1:]) for s in steps])
    np.testing.assert_array_equal(steps, np.arange(100))                # input not modified


@pytest.mark.parametrize("call, error, message", [
    (lambda: step_decay(0.1, 5, drop=1.5), ValueError, "drop must be in [0, 1]"),
    (lambda: step_decay(0.1, 5, epochs_per_drop=0), ValueError, "epochs_per_drop must be positive"),
    (lambda: step_decay(0.1, -1), ValueError, "epoch_num must be non-negative"),
    (lambda: cosine_decay(0.1, -1, 10), ValueError, "step must be non-negative"),
    (lambda: cosine_decay(0.1, 5, 0), ValueError, "total_steps must be an integer >= 1"),
    (lambda: cosine_decay(0.1, 5, 10.0), ValueError, "total_steps must be an integer >= 1"),
    (lambda: cosine_decay(0.1, 5, 10, min_learning_rate=0.2), ValueError, "min_learning_rate must not exceed"),
    (lambda: cosine_decay(0.1, 5, 10, min_learning_rate=-0.01), ValueError, "min_learning_rate must be non-negative"),
    (lambda: cosine_decay("0.1", 5, 10), TypeError, "learning_rate0 must be a real number"),
    (lambda: linear_warmup(0.1, 0, 0), ValueError, "warmup_steps must be an integer >= 1"),
    (lambda: warmup_cosine(0.1, 0, 10, 10), ValueError, "warmup_steps must be less than total_steps"),
    (lambda: warmup_cosine(0.1, 0, -1, 10), ValueError, "warmup_steps must be an integer >= 0"),
    (lambda: linear_scaling(0.1, 0), ValueError, "batch_size must be an integer >= 1"),
    (lambda: linear_scaling(-0.1, 64), ValueError, "learning_rate0 must be non-negative"),
    (lambda: linear_scaling(0.1, 64, base_batch_size=None), TypeError, "base_batch_size must be an integer"),
])
def test_chapter6_validation_messages(call, error, message):
    with pytest.raises(error) as raised:
        call()
    assert str(raised.value).startswith(message), str(raised.value)
