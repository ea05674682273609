"""convcheck/orders.py: the log-log order fit (scipy.stats.linregress on the logs) recovers a known
exponent exactly, its standard error is the textbook one, and the bootstrap spread of hitting_order
is 0 for identical runs and undefined (NaN) for one run."""
import numpy as np
import pytest

from convcheck import orders
from convcheck.reference import objectives, optimizers, oracles


@pytest.mark.parametrize("p", [2.0, -0.5, 1.0 / 3.0, 4.0])
def test_loglog_fit_recovers_an_exact_power_law(p):
    x = np.geomspace(0.1, 1000.0, 7)
    fit = orders.loglog_fit(x, 3.7 * x ** p)
    assert fit.slope == pytest.approx(p, abs=1e-12) and np.exp(fit.intercept) == pytest.approx(3.7, rel=1e-12)
    assert fit.stderr == pytest.approx(0.0, abs=1e-12) and fit.rvalue == pytest.approx(np.sign(p))
    assert orders.slope(x, 3.7 * x ** p) == fit.slope


def test_loglog_fit_standard_error_is_the_textbook_one():
    """Off a power law: SE(p) = sqrt(sum of squared residuals / (n - 2) / sum (log x - mean)^2)."""
    x = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    y = x ** 2 * np.array([1.0, 1.3, 0.8, 1.1, 0.95])
    lx, ly = np.log(x), np.log(y)
    b = ((lx - lx.mean()) * (ly - ly.mean())).sum() / ((lx - lx.mean()) ** 2).sum()
    a = ly.mean() - b * lx.mean()
    se = np.sqrt(((ly - a - b * lx) ** 2).sum() / (len(x) - 2) / ((lx - lx.mean()) ** 2).sum())
    fit = orders.loglog_fit(x, y)
    assert fit.slope == pytest.approx(b, rel=1e-12) and fit.stderr == pytest.approx(se, rel=1e-12)


def _gd_on_a_quadratic(runs):
    """GD with lr = 1/2 on f = x^2 (no noise): x_1 = 0, so T(eps) = ceil(4 x0^2 / eps^2), the same in every run."""
    return orders.hitting_order(optimizers.get("gd"), objectives.get("quadratic", eigs=[2.0], b=[0.0]),
                                oracles.Exact(), (0.5, 0.25, 0.125), lambda eps: {"lr": 0.5}, runs=runs, steps=300,
                                radius=1.0, bootstrap=50)


def test_hitting_order_reports_the_fit_and_its_spreads():
    fit = _gd_on_a_quadratic(runs=4)
    assert fit.spread == 0.0 and fit.detail["bootstrap_dropped"] == 0  # identical runs: every resample agrees
    assert fit.exponent == orders.slope(fit.x, fit.y)
    assert fit.detail["fit_stderr"] == pytest.approx(float(orders.loglog_fit(fit.x, fit.y).stderr), rel=1e-12)
    one = _gd_on_a_quadratic(runs=1)
    assert one.exponent == fit.exponent and np.isnan(one.spread)  # one run: nothing to resample
