"""Importance-sampled SGD: the oracle against the card's test vector (inna_bayes_importance_sampling.md section 3,
computed there by its own numpy snippet), the least-squares finite sum, sgd.is.variance's certificate and check."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convcheck import theory
from convcheck.families import importance as checks
from convcheck.reference import objectives, oracles
from convcheck.theory.lemmas.inequalities import CAUCHY_SCHWARZ


def card_problem():
    return objectives.get("least_squares", A=[[1.0], [2.0], [3.0]], b=[1.0, -1.0, 4.0])


class FixedDraws:
    """An rng whose uniforms are given: u = 0 picks index 0, u = 0.999 the last index."""

    def __init__(self, us):
        self.us = list(us)

    def random(self, size):
        return np.full(size, self.us.pop(0))


def test_optimal_probabilities_at_the_cards_point():
    p = oracles.ImportanceSampled().probabilities(card_problem(), np.zeros((1, 1)))
    np.testing.assert_allclose(p[0], [0.06666666667, 0.1333333333, 0.8], rtol=0, atol=1e-10)


def test_is_sgd_reproduces_the_cards_iterates():
    """Oracle p_k ~ |g_i(x_k)|, indices (2, 0, 2), lr 0.05: x = 0.25, 0.475, 0.6775; F = 2.229166667, 1.784791667,
    1.586847917; the card's p at x_1 and x_2."""
    obj, o = card_problem(), oracles.ImportanceSampled()
    x, xs, fs, ps = np.zeros((1, 1)), [], [], []
    for u in (0.999, 0.0, 0.999):
        ps.append(o.probabilities(obj, x)[0])
        x = x - 0.05 * o(obj, x, None, FixedDraws([u]), 0)
        xs.append(float(x[0, 0]))
        fs.append(float(obj.value(x)[0]))
    np.testing.assert_allclose(xs, [0.25, 0.475, 0.6775], rtol=0, atol=1e-12)
    np.testing.assert_allclose(fs, [2.229166667, 1.784791667, 1.586847917], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ps[1], [0.05555555556, 0.2222222222, 0.7222222222], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ps[2], [0.04320987654, 0.3209876543, 0.6358024691], rtol=0, atol=1e-10)
    assert obj.x_star[0] == pytest.approx(0.7857142857, abs=1e-10) and obj.value(np.zeros((1, 1)))[0] == 3.0


@given(st.floats(0.0, 1.0), st.integers(0, 2 ** 16))
def test_mix_bounds_the_weights_and_keeps_p_a_distribution(mix, seed):
    obj = objectives.get("least_squares", n=7, d=2, seed=seed, scales=np.geomspace(0.1, 10, 7))
    X = obj.initial_points(3, seed=seed)
    for scheme in oracles.ImportanceSampled.SCHEMES:
        p = oracles.ImportanceSampled(scheme=scheme, mix=mix).probabilities(obj, X)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        assert np.all(p >= mix / obj.n * (1 - 1e-12))


def test_uniform_scheme_draws_like_the_minibatch_oracle():
    """Same uniform variates, same indices: floor(u N) is what both compute, so the answers coincide."""
    obj = objectives.get("least_squares", n=5, d=2, seed=1)
    X = obj.initial_points(4, seed=1)
    a = oracles.ImportanceSampled(batch_size=3, scheme="uniform")(obj, X, None, np.random.default_rng(7), 0)
    u = np.random.default_rng(7).random((4, 3))
    idx = np.floor(u * obj.n).astype(int)
    np.testing.assert_allclose(a, obj.component_grad(X, idx), rtol=1e-12, atol=1e-12)


def test_the_oracle_is_seeded():
    obj = objectives.get("least_squares")
    X = obj.initial_points(5)
    o = oracles.ImportanceSampled(batch_size=2, scheme="loss", mix=0.2)
    a, b = (o(obj, X, None, np.random.default_rng(3), 0) for _ in range(2))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("kw, word", [({"batch_size": 0}, "batch_size"), ({"scheme": "norm"}, "scheme"),
                                      ({"mix": 1.5}, "mix")])
def test_bad_oracle_parameters_are_named(kw, word):
    with pytest.raises(ValueError, match=word):
        oracles.ImportanceSampled(**kw)


def test_the_oracle_needs_a_finite_sum():
    with pytest.raises(ValueError, match="finite-sum"):
        oracles.ImportanceSampled()(objectives.get("sin_squared"), np.zeros((1, 10)), None, np.random.default_rng(), 0)


def test_least_squares_gradient_hessian_and_L():
    obj = objectives.get("least_squares", n=9, d=3, seed=2)
    X = obj.initial_points(2, seed=2)
    h = 1e-6
    fd = np.stack([(obj.value(X + h * e) - obj.value(X - h * e)) / (2 * h) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(obj.grad(X), fd, rtol=1e-6, atol=1e-7)
    H = obj.A.T @ obj.A / obj.n
    assert np.linalg.norm(H, 2) == pytest.approx(obj.constants["L"], rel=1e-12)
    np.testing.assert_allclose(obj.grad(obj.x_star[None, :]), 0.0, atol=1e-12)


def test_sgd_is_variance_certifies_symbolically_and_cauchy_schwarz_now_does_too():
    cert = theory.certify(theory.get("sgd.is.variance"))
    assert cert.ok and cert.level == "symbolic"
    assert [c.level for c in theory.certify_lemma(CAUCHY_SCHWARZ).checks] == ["symbolic", "symbolic"]


def test_the_check_holds():
    parts = checks.is_variance()
    assert all(p.verdict == "holds" for p in parts), [(p.name, p.detail) for p in parts]


def test_the_check_catches_an_oracle_that_forgets_the_weights(monkeypatch):
    """Sampling by p without the 1/(N p_i) reweighting is biased towards large components: the check must say so."""

    class Unweighted(oracles.ImportanceSampled):
        def __call__(self, objective, X, grad, rng, t):
            G = self.component_gradients(objective, X)
            p = self.probabilities(objective, X, G)
            idx = np.array([rng.choice(objective.n, size=self.batch_size, p=row) for row in p])
            return G[np.arange(len(X))[:, None], idx].mean(axis=1)

    monkeypatch.setattr(checks.oracles, "ImportanceSampled", Unweighted)
    verdicts = {p.name: p.verdict for p in checks.sampling(points=1, draws=4000, batch_sizes=(1,))}
    assert verdicts["unbiased"] == "violated"


def test_sgd_is_is_sgd_smooth_with_the_importance_variance_step():
    """One derivation, not a copy: sgd.is states exactly sgd.smooth's rate, prescription and complexity and adds
    one step (certified by `convcheck certify --all` in test_cli; its mutants by test_mutate's thorough profile)."""
    thm, base = theory.get("sgd.is"), theory.get("sgd.smooth")
    assert (thm.rate, thm.prescription, thm.complexity, thm.conditions) == (base.rate, base.prescription,
                                                                          base.complexity, base.conditions)
    assert thm.chain[:-1] == base.chain and thm.chain[-1].name == "the importance-sampled oracle has bounded variance"


def test_the_published_sigma_bounds_the_measured_variance_and_favours_p_star():
    """On the logistic sum: sigma^2(p*) <= sigma^2(uniform), and at random points the formula variance of each
    scheme stays below the sigma^2 its oracle publishes."""
    obj = objectives.get("logistic", n=15, d=4, seed=3)
    X = obj.initial_points(20, seed=3, radius=5.0)
    published = {}
    for scheme, mix in (("uniform", 0.0), ("gradient_norm", 0.0), ("loss", 0.25)):
        o = oracles.ImportanceSampled(2, scheme, mix)
        published[scheme] = o.constants(obj)["sigma"] ** 2
        G = o.component_gradients(obj, X)
        assert np.all(checks.formula_variance(G, o.probabilities(obj, X, G), b=2) <= published[scheme])
    assert published["gradient_norm"] <= published["uniform"]
    assert oracles.ImportanceSampled(1, "loss").constants(obj) == {}
