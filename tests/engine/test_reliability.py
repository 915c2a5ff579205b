"""Reliability growth curves: fitting, the latent-defect estimate and the convergence judgement."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuroko.engine.reliability import GrowthFit, fit_growth


def _synthetic(
    model: str, a: float, b: float, c: float, days: int, seed: int
) -> tuple[list[float], list[float]]:
    """Cumulative counts of `model` with Gaussian noise, kept non-decreasing and whole."""
    rng = np.random.default_rng(seed)
    t = np.arange(days, dtype=float)
    clean = a * np.exp(-b * np.exp(-c * t)) if model == "gompertz" else a / (1 + b * np.exp(-c * t))
    noisy = np.maximum.accumulate(np.round(clean + rng.normal(0, a * 0.01, days)).clip(min=0))
    return list(t), list(noisy)


@pytest.mark.parametrize("model", ["gompertz", "logistic"])
def test_recovers_known_parameters(model):
    """A fit of noisy data of a known curve finds its total within 5 % and a close growth rate."""
    t, y = _synthetic(model, a=300, b=8, c=0.12, days=60, seed=7)
    fit = fit_growth(t, y, model=model)  # type: ignore[arg-type]
    assert fit.model == model
    assert fit.a == pytest.approx(300, rel=0.05)
    assert fit.c == pytest.approx(0.12, rel=0.15)
    assert fit.r_squared > 0.99


@pytest.mark.parametrize("model", ["gompertz", "logistic"])
def test_best_picks_the_generating_model(model):
    """With "best" the model that generated the data fits better and is chosen."""
    t, y = _synthetic(model, a=500, b=20, c=0.15, days=50, seed=3)
    assert fit_growth(t, y).model == model


def test_flat_tail_is_converged():
    """A curve that has flattened near its asymptote is converged; its latent defects are few."""
    t, y = _synthetic("gompertz", a=200, b=10, c=0.2, days=60, seed=1)
    fit = fit_growth(t, y)
    assert fit.converged
    assert fit.ratio >= 0.95
    assert fit.latent < 10


def test_steep_curve_is_not_converged():
    """Half-way up the curve, the defects keep coming: not converged, many latent."""
    t, y = _synthetic("gompertz", a=200, b=10, c=0.1, days=28, seed=1)
    fit = fit_growth(t, y)
    assert not fit.converged
    assert fit.latent > 30
    assert fit.t_at(0.95) > t[-1]


def test_high_ratio_with_a_large_last_step_is_not_converged():
    """Converged needs both: the ratio reached and a small last increment."""
    fit = GrowthFit("gompertz", a=100, b=5, c=0.3, r_squared=0.99, found=97, last_increment=5)
    assert fit.ratio >= 0.95
    assert not fit.converged
    calm = GrowthFit("gompertz", a=100, b=5, c=0.3, r_squared=0.99, found=97, last_increment=1)
    assert calm.converged


@pytest.mark.parametrize("model", ["gompertz", "logistic"])
def test_t_at_inverts_the_curve(model):
    """The curve at t_at(r) is r of the total."""
    fit = GrowthFit(model, a=120, b=6, c=0.25, r_squared=1, found=60, last_increment=3)
    for ratio in (0.1, 0.5, 0.95):
        assert fit.value(fit.t_at(ratio)) == pytest.approx(120 * ratio)
    assert fit.curve([0, 1])[0] == pytest.approx(fit.value(0))


def test_shifted_times_give_the_same_curve():
    """Times that start later (day numbers) give the same fitted counts."""
    t, y = _synthetic("gompertz", a=150, b=6, c=0.15, days=40, seed=5)
    base = fit_growth(t, y, model="gompertz")
    shifted = fit_growth([v + 100 for v in t], y, model="gompertz")
    assert shifted.a == pytest.approx(base.a, rel=1e-3)
    assert shifted.value(130) == pytest.approx(base.value(30), rel=1e-3)


@pytest.mark.parametrize(
    ("times", "cumulative", "message"),
    [
        ([0, 1, 2], [1, 2, 3], "At least 4 points"),  # too few points
        ([0, 1, 2, 3], [1, 2, 3], "same length"),  # lengths differ
        ([0, 1, 1, 3], [1, 2, 3, 4], "strictly increasing"),  # repeated time
        ([0, 1, 2, 3], [1, 3, 2, 4], "cannot decrease"),  # a count goes down
        ([0, 1, 2, 3], [5, 5, 5, 5], "does not grow"),  # flat: no growth
        ([0, 1, 2, 3], [0, 0, 0, 0], "does not grow"),  # no defects at all
        ([0, 1, 2, 3], [-1, 0, 1, 2], "negative"),  # negative count
        ([0, 1, math.nan, 3], [1, 2, 3, 4], "finite"),  # a time is not a number
        (
            [0, 1, 2, 3, 4, 5, 6, 7],
            [1, 2, 4, 8, 16, 32, 64, 128],
            "has not bent",
        ),  # still doubling: no asymptote yet
    ],
)
def test_invalid_input(times, cumulative, message):
    """Bad input raises a ValueError that says what is wrong."""
    with pytest.raises(ValueError, match=message):
        fit_growth(times, cumulative)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "weibull"}, "model must be"),  # unknown model
        ({"converged_ratio": 0}, "converged ratio"),  # ratio 0 means nothing
        ({"converged_ratio": 1.5}, "converged ratio"),  # above 1
        ({"increment_ratio": 1}, "increment ratio"),  # the whole total in one period
    ],
)
def test_invalid_options(kwargs, message):
    """Options out of range raise a ValueError naming them."""
    with pytest.raises(ValueError, match=message):
        fit_growth([0, 1, 2, 3, 4], [1, 5, 8, 9, 10], **kwargs)


@settings(max_examples=60, deadline=None)
@given(
    increments=st.lists(st.integers(min_value=0, max_value=50), min_size=0, max_size=30),
    start=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    step=st.floats(min_value=1e-3, max_value=1e3, allow_nan=False),
)
def test_never_crashes(increments, start, step):
    """Any non-decreasing series either fits (latent ≥ 0, 0 < ratio ≤ 1) or raises a ValueError."""
    cumulative = list(np.cumsum(increments).astype(float))
    times = [start + i * step for i in range(len(cumulative))]
    try:
        fit = fit_growth(times, cumulative)
    except ValueError:
        return
    assert fit.latent >= 0
    assert 0 < fit.ratio <= 1
    assert fit.a >= fit.found * (1 - 1e-9)


@pytest.mark.parametrize(
    "cumulative",
    [
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 50],  # one jump at the end
        [1, 1, 1, 1, 2],  # one more defect at the end
    ],
)
def test_inflection_at_or_after_the_last_time_is_refused(cumulative):
    """A curve whose inflection point is not behind the last observation has not started to flatten."""
    with pytest.raises(ValueError, match="not started to flatten"):
        fit_growth(range(1, len(cumulative) + 1), cumulative)


def test_inflection_lies_before_the_last_time():
    """Every fit returned has its inflection point (ln b / c) before the last observation."""
    y = [4, 11, 22, 35, 47, 57, 64, 69, 72, 74]
    fit = fit_growth(range(1, 11), y)
    assert fit.inflection == pytest.approx(math.log(fit.b) / fit.c)
    assert fit.inflection < 10


def test_a_poor_fit_is_not_converged():
    """Converged needs R² ≥ min_r_squared (0.9 by default) as well."""
    fit = GrowthFit("gompertz", a=100, b=5, c=0.3, r_squared=0.85, found=97, last_increment=1)
    assert not fit.converged
    assert GrowthFit(
        "gompertz", a=100, b=5, c=0.3, r_squared=0.85, found=97, last_increment=1, min_r_squared=0.8
    ).converged
    with pytest.raises(ValueError, match="minimum R"):
        fit_growth([0, 1, 2, 3, 4], [1, 5, 8, 9, 10], min_r_squared=1.5)
