"""Mistaken variants of this chapter's exercises (see __init__.py)."""

import math

from solutions import cosine_decay, exponential_decay, schedule_lr_decay, update_lr, warmup_cosine

CHAPTER = "06_schedules"
REFERENCES = {
    "update_lr": update_lr,
    "schedule_lr_decay": schedule_lr_decay,
    "exponential_decay": exponential_decay,
    "cosine_decay": cosine_decay,
    "warmup_cosine": warmup_cosine,
}


# ---------------------------------------------------------------- update_lr

def update_lr_multiplied(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (decay_rate * epoch_num)


def update_lr_times_instead_of_divided(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 * (1 + decay_rate * epoch_num)


def update_lr_epoch_plus_one(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate * (epoch_num + 1))


def update_lr_epoch_outside(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate) * epoch_num


def update_lr_no_parentheses(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / 1 + decay_rate * epoch_num


def update_lr_compounded(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate) ** epoch_num


# -------------------------------------------------------- schedule_lr_decay

def schedule_no_floor(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * epoch_num / time_interval)


def schedule_ceil(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * math.ceil(epoch_num / time_interval))


def schedule_rounded(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * round(epoch_num / time_interval))


def schedule_compounded(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate) ** math.floor(epoch_num / time_interval)


def schedule_interval_ignored(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * epoch_num)


# -------------------------------------------------------- exponential_decay

def exponential_sign_error(learning_rate0, epoch_num, k):
    return learning_rate0 * math.exp(k * epoch_num)


def exponential_no_epoch(learning_rate0, epoch_num, k):
    return learning_rate0 * math.exp(-k)


def exponential_inverse(learning_rate0, epoch_num, k):
    return learning_rate0 / (1 + k * epoch_num)


def exponential_one_minus_k(learning_rate0, epoch_num, k):
    return learning_rate0 * (1 - k) ** epoch_num


def exponential_epoch_plus_one(learning_rate0, epoch_num, k):
    return learning_rate0 * math.exp(-k * (epoch_num + 1))


# ------------------------------------------------------------- cosine_decay

def _progress(step, total_steps):
    return min(step, total_steps) / total_steps


def cosine_no_half(learning_rate0, step, total_steps, min_learning_rate=0.0):
    return min_learning_rate + (learning_rate0 - min_learning_rate) * (
        1 + math.cos(math.pi * _progress(step, total_steps)))


def cosine_no_pi(learning_rate0, step, total_steps, min_learning_rate=0.0):
    return min_learning_rate + 0.5 * (learning_rate0 - min_learning_rate) * (
        1 + math.cos(_progress(step, total_steps)))


def cosine_min_ignored(learning_rate0, step, total_steps, min_learning_rate=0.0):
    return 0.5 * learning_rate0 * (1 + math.cos(math.pi * _progress(step, total_steps)))


def cosine_not_clamped(learning_rate0, step, total_steps, min_learning_rate=0.0):
    return min_learning_rate + 0.5 * (learning_rate0 - min_learning_rate) * (
        1 + math.cos(math.pi * step / total_steps))


def cosine_integer_division(learning_rate0, step, total_steps, min_learning_rate=0.0):
    return min_learning_rate + 0.5 * (learning_rate0 - min_learning_rate) * (
        1 + math.cos(math.pi * (min(step, total_steps) // total_steps)))


def cosine_amplitude_learning_rate0(learning_rate0, step, total_steps, min_learning_rate=0.0):
    return min_learning_rate + 0.5 * learning_rate0 * (1 + math.cos(math.pi * _progress(step, total_steps)))


def cosine_rising(learning_rate0, step, total_steps, min_learning_rate=0.0):
    return min_learning_rate + 0.5 * (learning_rate0 - min_learning_rate) * (
        1 - math.cos(math.pi * _progress(step, total_steps)))


# ------------------------------------------------------------ warmup_cosine
# Each variant computes the cosine itself, so that it is independent of cosine_decay.

def _cosine(lr0, step, total, min_lr):
    return min_lr + 0.5 * (lr0 - min_lr) * (1 + math.cos(math.pi * min(step, total) / total))


def warmup_off_by_one(learning_rate0, step, warmup_steps, total_steps, min_learning_rate=0.0):
    if step < warmup_steps:
        return learning_rate0 * step / warmup_steps
    return _cosine(learning_rate0, step - warmup_steps, total_steps - warmup_steps, min_learning_rate)


def warmup_global_step(learning_rate0, step, warmup_steps, total_steps, min_learning_rate=0.0):
    if step < warmup_steps:
        return learning_rate0 * (step + 1) / warmup_steps
    return _cosine(learning_rate0, step, total_steps, min_learning_rate)


def warmup_cosine_over_total(learning_rate0, step, warmup_steps, total_steps, min_learning_rate=0.0):
    if step < warmup_steps:
        return learning_rate0 * (step + 1) / warmup_steps
    return _cosine(learning_rate0, step - warmup_steps, total_steps, min_learning_rate)


def warmup_from_min(learning_rate0, step, warmup_steps, total_steps, min_learning_rate=0.0):
    if step < warmup_steps:
        return min_learning_rate + (learning_rate0 - min_learning_rate) * (step + 1) / warmup_steps
    return _cosine(learning_rate0, step - warmup_steps, total_steps - warmup_steps, min_learning_rate)


def warmup_min_ignored(learning_rate0, step, warmup_steps, total_steps, min_learning_rate=0.0):
    if step < warmup_steps:
        return learning_rate0 * (step + 1) / warmup_steps
    return _cosine(learning_rate0, step - warmup_steps, total_steps - warmup_steps, 0.0)


def warmup_boundary_included(learning_rate0, step, warmup_steps, total_steps, min_learning_rate=0.0):
    if step <= warmup_steps:
        return learning_rate0 * (step + 1) / warmup_steps
    return _cosine(learning_rate0, step - warmup_steps, total_steps - warmup_steps, min_learning_rate)


def warmup_integer_division(learning_rate0, step, warmup_steps, total_steps, min_learning_rate=0.0):
    if step < warmup_steps:
        return learning_rate0 * ((step + 1) // warmup_steps)
    return _cosine(learning_rate0, step - warmup_steps, total_steps - warmup_steps, min_learning_rate)


def warmup_clock_not_shifted(learning_rate0, step, warmup_steps, total_steps, min_learning_rate=0.0):
    if step < warmup_steps:
        return learning_rate0 * (step + 1) / warmup_steps
    return _cosine(learning_rate0, step, total_steps - warmup_steps, min_learning_rate)


MISTAKES = [
    ("update_lr", update_lr_multiplied,
     "the decay was multiplied instead of added: learning_rate0 / (decay_rate * epoch_num) "
     "instead of learning_rate0 / (1 + decay_rate * epoch_num)"),
    ("update_lr", update_lr_times_instead_of_divided,
     "learning_rate0 was multiplied by (1 + decay_rate * epoch_num) instead of divided by it"),
    ("update_lr", update_lr_epoch_plus_one,
     "epoch_num + 1 was used: epoch 0 must train at learning_rate0 itself, "
     "learning_rate0 / (1 + decay_rate * epoch_num)"),
    ("update_lr", update_lr_epoch_outside,
     "epoch_num was left outside the parentheses: learning_rate0 / (1 + decay_rate) * epoch_num"),
    ("update_lr", update_lr_no_parentheses,
     "the parentheses are missing: learning_rate0 / 1 + decay_rate * epoch_num adds the decay to the rate; "
     "divide learning_rate0 by the whole (1 + decay_rate * epoch_num)"),
    ("update_lr", update_lr_compounded,
     "(1 + decay_rate) ** epoch_num compounds the decay, which makes it exponential; (6.4) divides by "
     "1 + decay_rate * epoch_num, which grows linearly with the epoch"),
    ("schedule_lr_decay", schedule_no_floor,
     "the floor was forgotten: epoch_num / time_interval must be rounded down, "
     "so that the rate is constant within each interval"),
    # (before ceil: rounding fails exactly the cases where it agrees with ceil)
    ("schedule_lr_decay", schedule_rounded,
     "epoch_num / time_interval was rounded to the nearest integer instead of down (floor): "
     "epoch 1999 of intervals of 1000 is still in interval 1"),
    ("schedule_lr_decay", schedule_ceil,
     "epoch_num / time_interval was rounded up (ceil) instead of down (floor)"),
    ("schedule_lr_decay", schedule_compounded,
     "(1 + decay_rate) ** (number of intervals) divides once more per interval, a step decay (6.8); "
     "(6.6) divides by 1 + decay_rate * (number of intervals)"),
    ("schedule_lr_decay", schedule_interval_ignored,
     "time_interval was ignored: the rate decays every epoch, as in update_lr"),
    ("exponential_decay", exponential_sign_error,
     "the exponent has the wrong sign: e^(+k t) grows, the rate must shrink as e^(-k t)"),
    ("exponential_decay", exponential_no_epoch,
     "the epoch number is missing from the exponent (e^(-k) instead of e^(-k * epoch_num))"),
    ("exponential_decay", exponential_inverse,
     "this is inverse-time decay learning_rate0 / (1 + k * epoch_num), not exponential decay"),
    ("exponential_decay", exponential_one_minus_k,
     "(1 - k) ** epoch_num only approximates exp(-k * epoch_num), for small k: use math.exp"),
    ("exponential_decay", exponential_epoch_plus_one,
     "epoch_num + 1 was used: epoch 0 must train at learning_rate0 itself, "
     "learning_rate0 * exp(-k * epoch_num)"),
    ("cosine_decay", cosine_no_half,
     "the factor 1/2 is missing: the rate starts at 2 * learning_rate0 instead of learning_rate0"),
    ("cosine_decay", cosine_no_pi,
     "pi is missing inside the cosine: cos(pi * step / total_steps), not cos(step / total_steps)"),
    ("cosine_decay", cosine_min_ignored,
     "min_learning_rate was ignored (the rate must decay to min_learning_rate, not to 0)"),
    ("cosine_decay", cosine_not_clamped,
     "the step was not clamped at total_steps (after total_steps the rate must stay at min_learning_rate)"),
    ("cosine_decay", cosine_integer_division,
     "step // total_steps is integer division, 0 until the last step: use / so that the cosine's "
     "argument runs through the fractions in between"),
    ("cosine_decay", cosine_amplitude_learning_rate0,
     "the cosine's amplitude must be learning_rate0 - min_learning_rate: as written the rate starts at "
     "learning_rate0 + min_learning_rate"),
    ("cosine_decay", cosine_rising,
     "the cosine's sign is flipped: with 1 - cos the rate starts at min_learning_rate and rises"),
    ("warmup_cosine", warmup_off_by_one,
     "the warm-up is off by one: step 0 must already use learning_rate0 / warmup_steps, "
     "so use (step + 1) / warmup_steps"),
    ("warmup_cosine", warmup_global_step,
     "the cosine does not start after the warm-up: it must be "
     "cosine_decay(learning_rate0, step - warmup_steps, total_steps - warmup_steps, ...)"),
    ("warmup_cosine", warmup_cosine_over_total,
     "the cosine runs over total_steps instead of the total_steps - warmup_steps steps left after the warm-up"),
    ("warmup_cosine", warmup_from_min,
     "the warm-up ramps from min_learning_rate: it must ramp from learning_rate0 / warmup_steps "
     "at step 0, learning_rate0 * (step + 1) / warmup_steps, whatever min_learning_rate is"),
    ("warmup_cosine", warmup_min_ignored,
     "min_learning_rate was not passed on to the cosine (the rate must decay to min_learning_rate)"),
    ("warmup_cosine", warmup_boundary_included,
     "step == warmup_steps fell into the warm-up, above learning_rate0: use step < warmup_steps, "
     "so that the cosine starts at step warmup_steps"),
    ("warmup_cosine", warmup_integer_division,
     "(step + 1) // warmup_steps is integer division, 0 until the last warm-up step: "
     "use (step + 1) / warmup_steps"),
    ("warmup_cosine", warmup_clock_not_shifted,
     "the cosine's clock was not shifted: pass step - warmup_steps, so that step warmup_steps "
     "is the cosine's step 0"),
]

ACCEPTED = [
]
