"""Tests of the learning-rate schedules (reference API, section 3), against closed forms."""

import doctest
import inspect
import math

import numpy as np
import pytest

import solutions
from solutions import exponential_decay, schedule_lr_decay, update_lr

CONTRACT = {
    "update_lr": "learning_rate0, epoch_num, decay_rate",
    "schedule_lr_decay": "learning_rate0, epoch_num, decay_rate, time_interval=1000",
    "exponential_decay": "learning_rate0, epoch_num, k",
}


@pytest.mark.parametrize("name", CONTRACT)
def test_signature_matches_reference_api(name):
    expected = inspect.signature(eval(f"lambda {CONTRACT[name]}: None"))
    assert inspect.signature(getattr(solutions, name)) == expected
    assert name in solutions.__all__


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
