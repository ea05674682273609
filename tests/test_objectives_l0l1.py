"""(L0,L1)-smooth objectives: derivatives against finite differences, the Hessian form
||Hess f|| <= L0 + L1 ||grad f|| on Hypothesis-drawn objectives and points (dense Hessians from hvp),
each bound nearly attained, the Hessian unbounded along a ray (no L exists), the Groenwall first-order
form at radius c/L1, the witness block's card numbers (clipping card section 10), and the
coordinate-wise family with its per-coordinate constants (the docstrings hold the proofs)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from objective_support import points, row_norm
from convcheck.reference import objectives
from convcheck.reference.objectives import CoordinatewiseL0L1, CoshSum, ExpSum, MexicanHat, QuarticSum
from convcheck.reference.objectives.l0l1 import double_well_L0, gronwall_factor, huebler_constants

H = 1e-5
REL = 1e-10  # rounding slack on inequalities


@st.composite
def scalar_l0l1(draw):
    """One of the four scalar families, u-block of 1..3 coordinates, witness of 0..2, mu in [0.2, 5]."""
    m, w = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    mu = draw(st.floats(0.2, 5.0))
    kind = draw(st.sampled_from(["cosh", "quartic", "mexican_hat", "exp_sum"]))
    if kind == "cosh":
        return CoshSum(d=m + w, a=draw(st.floats(0.2, 2.0)), witness=w, mu=mu)
    if kind == "quartic":
        return QuarticSum(d=m + w, L1=draw(st.floats(0.2, 5.0)), witness=w, mu=mu)
    if kind == "mexican_hat":
        return MexicanHat(d=m + w, L1=draw(st.floats(0.2, 5.0)), witness=w, mu=mu)
    return ExpSum(d=m + w, a=draw(st.floats(0.2, 2.0)), c=draw(st.floats(0.1, 3.0)), witness=w, mu=mu)


coordinatewise = st.builds(
    lambda kinds, a, s: CoordinatewiseL0L1(kinds=kinds, a=a[:len(kinds)], scales=s[:len(kinds)]),
    st.lists(st.sampled_from(["cosh", "exp", "quartic", "double_well"]), min_size=1, max_size=4),
    st.lists(st.floats(0.2, 3.0), min_size=4, max_size=4),
    st.lists(st.floats(0.1, 5.0), min_size=4, max_size=4))


def dense_hessian(obj, X):
    """(R, d, d): column j is hvp(X, e_j), as one batched call."""
    R, d = X.shape
    rows = np.repeat(X, d, axis=0)
    E = np.tile(np.eye(d), (R, 1))
    return obj.hvp(rows, E).reshape(R, d, d).transpose(0, 2, 1)


def hess_norm(obj, X):
    Hs = dense_hessian(obj, X)
    return np.abs(np.linalg.eigvalsh(0.5 * (Hs + Hs.transpose(0, 2, 1)))).max(axis=-1)


def l0l1_gap(obj, X):
    """||Hess f|| - L1 ||grad f|| per row (<= L0 is the Hessian form)."""
    return hess_norm(obj, X) - obj.constants["L1"] * row_norm(obj.grad(X))


def cd(fn, X, V, h=H):
    return (fn(X + h * V) - fn(X - h * V)) / (2 * h)


# == derivatives ====================================================================================

@given(obj=st.one_of(scalar_l0l1(), coordinatewise), data=st.data())
def test_derivatives_match_finite_differences(obj, data):
    X = data.draw(points(obj.d, rows=2, radius=1.5))
    R, d = X.shape
    E = np.tile(np.eye(d), (R, 1))
    rows = np.repeat(X, d, axis=0)
    fd_g = cd(obj.value, rows, E).reshape(R, d)
    g = obj.grad(X)
    assert np.allclose(fd_g, g, rtol=1e-6, atol=1e-6 * (1 + np.abs(obj.value(X)).max()))
    V = data.draw(points(d, rows=2, radius=1.0))
    assert np.allclose(cd(obj.grad, X, V), obj.hvp(X, V), rtol=1e-6, atol=1e-6 * (1 + np.abs(g).max()))
    Hs = dense_hessian(obj, X)
    assert np.allclose(Hs, Hs.transpose(0, 2, 1), rtol=1e-13, atol=1e-13)


# == the Hessian form, its tightness, and no L =======================================================

@given(obj=st.one_of(scalar_l0l1(), coordinatewise), data=st.data())
def test_hessian_form_holds_on_sampled_points(obj, data):
    X = data.draw(points(obj.d, rows=4, radius=3.0))
    L0, L1 = obj.constants["L0"], obj.constants["L1"]
    bound = L0 + L1 * row_norm(obj.grad(X))
    assert np.all(hess_norm(obj, X) <= bound * (1 + REL) + 1e-12)
    assert "L" not in obj.constants
    lower = obj.constants["f_star"]
    assert np.all(obj.value(X) >= lower - 1e-12 * (1 + abs(lower)))


@pytest.mark.parametrize("obj, point", [
    (CoshSum(d=3, a=1.7), np.zeros(3)),
    (CoshSum(d=2, a=0.5, witness=1, mu=2.0), np.zeros(2)),           # L0 = mu here
    (QuarticSum(d=2, L1=2.0), np.array([1.0, 0.0])),                 # t = 2/L1
    (QuarticSum(d=3, L1=0.7), np.array([0.0, 2 / 0.7, 0.0])),
    (MexicanHat(d=2, L1=3.0), np.array([1.0, 0.0])),                 # r = 1, L0 = 2
    (MexicanHat(d=3, L1=1.0, witness=1), np.array([1 + 2 / math.sqrt(3), 0.0, 0.0])),
    (MexicanHat(d=1, L1=2.0), None),
    (ExpSum(d=1, a=1.3, c=0.4), np.array([0.7])),                    # L0 = 0, ||H|| = a ||g|| exactly
])
def test_hessian_bound_is_attained(obj, point):
    if point is None:
        point = np.array([obj.argmax_radius()])
    gap = l0l1_gap(obj, point[None, :])[0]
    L0 = obj.constants["L0"]
    assert gap >= L0 - 1e-9 * (1 + L0) and gap <= L0 + 1e-9 * (1 + L0)


def test_card_constants():
    """Clipping card 10.1: A (1, 1) with mu = 1; B (1, 2); C (2, 3), and C's L0 for L1 = 1, 2."""
    assert CoshSum(d=2, witness=1).constants == {"L0": 1.0, "L1": 1.0, "f_star": 1.0}
    assert QuarticSum(d=2, witness=1).constants == {"L0": 1.0, "L1": 2.0, "f_star": 0.0}
    c = MexicanHat(d=3, witness=1).constants
    assert c["L0"] == pytest.approx(2.0, abs=1e-12) and c["L1"] == 3.0 and c["f_star"] == 0.0
    assert double_well_L0(1.0, 2) == pytest.approx(2 + 16 * math.sqrt(3) / 9, rel=1e-12)  # 5.07920
    assert double_well_L0(2.0, 2) == pytest.approx(2.28211, rel=1e-5)
    assert CoshSum(d=1, a=3.0).constants["L0"] == 9.0


@pytest.mark.parametrize("obj", [CoshSum(d=2, a=0.8), QuarticSum(d=2), MexicanHat(d=2, witness=0),
                                 ExpSum(d=2), CoordinatewiseL0L1(d=4)])
def test_not_l_smooth_hessian_unbounded_along_a_ray(obj):
    t = np.array([1.0, 5.0, 20.0, 60.0])[:, None]
    norms = hess_norm(obj, t * np.eye(obj.d)[:1])
    assert np.all(np.diff(norms) > 0) and norms[-1] > 1e3


def test_l1_is_needed_along_a_ray_for_cosh():
    """(||H|| - a^2)/||g|| -> a: no smaller L1 works with any finite L0."""
    obj = CoshSum(d=1, a=1.5)
    X = np.array([[20.0]])
    ratio = (hess_norm(obj, X) - obj.constants["L0"]) / row_norm(obj.grad(X))
    assert ratio[0] == pytest.approx(1.5, rel=1e-9)


# == first-order form at radius c / L1 ==============================================================

def test_gronwall_and_huebler_constants():
    """Card T7: c = 1 gives A = 2, B = e - 1; B(c) <= A(c)."""
    A, B = huebler_constants(1.0)
    assert A == pytest.approx(2.0, rel=1e-15) and B == pytest.approx(math.e - 1, rel=1e-15)
    for c in (0.1, 0.5, 2.0, 5.0):
        A, B = huebler_constants(c)
        assert B == gronwall_factor(c) and A >= B
    with pytest.raises(ValueError, match=r"\bc\b"):
        gronwall_factor(0.0)


@given(obj=st.one_of(scalar_l0l1(), coordinatewise), c=st.sampled_from([0.25, 0.5, 1.0, 2.0]),
       data=st.data())
def test_first_order_form_within_radius_c_over_L1(obj, c, data):
    """||grad f(y) - grad f(x)|| <= B(c) (L0 + L1 ||grad f(x)||) ||y - x|| for ||y - x|| <= c/L1, and
    hence ZJFW's (A L0 + B L1 ||grad f(x)||) ||y - x||."""
    L0, L1 = obj.constants["L0"], obj.constants["L1"]
    X = data.draw(points(obj.d, rows=4, radius=3.0))
    U = data.draw(points(obj.d, rows=4, radius=1.0))
    norms = row_norm(U)
    U = np.where(norms[:, None] > 1e-3, U / np.maximum(norms, 1e-300)[:, None], np.eye(obj.d)[0])
    r = (c / L1) * np.array(data.draw(st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4)))
    Y = X + r[:, None] * U
    gx = obj.grad(X)
    diff = row_norm(obj.grad(Y) - gx)
    gn = row_norm(gx)
    assert np.all(diff <= gronwall_factor(c) * (L0 + L1 * gn) * r * (1 + REL) + 1e-12)
    A, B = huebler_constants(c)
    assert np.all(diff <= (A * L0 + B * L1 * gn) * r * (1 + REL) + 1e-12)


@pytest.mark.parametrize("c", [0.5, 1.0, 2.0])
def test_first_order_factor_is_nearly_attained_by_cosh(c):
    """Card 9.2: for cosh ((1, 1)-smooth) the sup of the ratio is (e^c - 1)/c, approached far out."""
    obj = CoshSum(d=1, a=1.0)
    X = np.array([[30.0]])
    Y = X + c
    ratio = row_norm(obj.grad(Y) - obj.grad(X)) / ((1 + row_norm(obj.grad(X))) * c)
    assert ratio[0] <= gronwall_factor(c) and ratio[0] >= gronwall_factor(c) * (1 - 1e-9)


# == the witness block (clipping card section 10) ==================================================

def test_witness_card_numbers():
    """Card T10, T11 and the table of section 10.2 (mu = 1, y0 = 1, eps = 1e-3)."""
    A, B, C = CoshSum(d=2, witness=1), QuarticSum(d=2, witness=1), MexicanHat(d=3, witness=1)
    assert A.h_max(10) == pytest.approx(1.81600e-3, rel=1e-5)
    assert A.K_LB(1e-3, 10) == pytest.approx(3800.38, rel=1e-6)
    assert A.h_max(5) == pytest.approx(0.134765, rel=1e-5)
    assert A.K_LB(1e-3, 5) == pytest.approx(47.7206, rel=1e-6)
    assert A.K_LB(1e-3, 15) == pytest.approx(376356, rel=1e-5)
    assert B.h_max(100) == pytest.approx(2e-4, rel=1e-12) and B.K_LB(1e-3, 100) == pytest.approx(34535.3, rel=1e-6)
    assert B.K_LB(1e-3, 10) == pytest.approx(341.922, rel=1e-6)
    assert C.h_max(1000) == pytest.approx(2.0e-6, rel=1e-5) and C.K_LB(1e-3, 1000) == pytest.approx(3.45387e6, rel=1e-5)
    assert C.K_LB(1e-3, 100) == pytest.approx(34531.9, rel=1e-6)


def gd_hits(obj, z0, lrs, eps, steps):
    """First k with ||grad f(z_k)|| <= eps for GD with each step in lrs (batched; -1 if never)."""
    Z = np.repeat(z0, len(lrs), axis=0)
    h = np.asarray(lrs)[:, None]
    hit = np.full(len(lrs), -1)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            G = obj.grad(Z)
            n = row_norm(G)
            hit[(hit < 0) & (n <= eps)] = k
            Z = Z - h * G
    return hit


def test_witness_makes_every_fixed_step_slow():
    """Card 10.2, A with R = 5: GD at 0.5 / 0.9 / 0.99 h_max takes 100 / 56 / 49 steps (all >= K_LB
    and >= the per-step bound); at 1.01 h_max it never arrives."""
    obj = CoshSum(d=2, witness=1)
    z0 = obj.witness_start(5.0)
    hm, klb = obj.h_max(5.0), obj.K_LB(1e-3, 5.0)
    fr = [0.1, 0.5, 0.9, 0.99, 1.01]
    hits = gd_hits(obj, z0, [f * hm for f in fr], 1e-3, 600)
    assert list(hits[1:4]) == [100, 56, 49]
    assert hits[-1] == -1 and obj.gd_lower_bound(1.01 * hm, 1e-3, 5.0) == math.inf
    for f, k in zip(fr[:4], hits[:4]):
        assert k >= klb and k >= obj.gd_lower_bound(f * hm, 1e-3, 5.0)


def test_without_witness_a_lucky_step_exists():
    """Card 10.3: for u^4/4 from R, h = 1/R^2 lands on 0 in one step; the witness forbids it."""
    R = 10.0
    plain = QuarticSum(d=1)
    assert gd_hits(plain, np.array([[R]]), [1 / R**2], 1e-3, 3)[0] == 1
    wit = QuarticSum(d=2, witness=1)
    assert gd_hits(wit, wit.witness_start(R), [1 / R**2], 1e-3, 200)[0] == -1  # >= K_LB = 688 steps


def test_witness_errors_are_named():
    with pytest.raises(ValueError, match="witness"):
        CoshSum(d=2).K_LB(1e-3, 10)
    with pytest.raises(ValueError, match=r"\beps\b"):
        CoshSum(d=2, witness=1).K_LB(2.0, 10)   # eps >= mu ||y0||
    with pytest.raises(ValueError, match="mu h_max < 1"):
        CoshSum(d=2, witness=1).K_LB(1e-3, 0.5)
    with pytest.raises(ValueError, match=r"\bR\b"):
        MexicanHat(d=3, witness=1).h_max(1.0)
    with pytest.raises(NotImplementedError):
        ExpSum(d=2, witness=1).h_max(3.0)


@pytest.mark.parametrize("build, argument", [
    (lambda: CoshSum(d=2, a=0.0), "a"),
    (lambda: CoshSum(d=2, witness=2), "witness"),
    (lambda: CoshSum(d=2, witness=-1), "witness"),
    (lambda: QuarticSum(d=2, L1=-1.0), "L1"),
    (lambda: MexicanHat(d=2, mu=0.0), "mu"),
    (lambda: ExpSum(d=2, c=np.nan), "c"),
    (lambda: CoordinatewiseL0L1(kinds=["cosh", "sin"]), "kinds"),
    (lambda: CoordinatewiseL0L1(d=3, a=[1.0, 2.0]), "d"),
    (lambda: CoordinatewiseL0L1(d=2, a=-1.0), "a"),
    (lambda: CoordinatewiseL0L1(d=2, scales=[1.0, 0.0]), "scales"),
])
def test_bad_arguments_are_named(build, argument):
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        build()


def test_minimizers_attain_f_star():
    assert CoshSum(d=3, witness=1).value(np.zeros((1, 3)))[0] == 2.0
    w = np.array([[0.6, 0.8, 0.0]])
    assert MexicanHat(d=3, witness=1).value(w)[0] == pytest.approx(0.0, abs=1e-30)
    cw = CoordinatewiseL0L1(kinds=["cosh", "quartic", "double_well"], scales=[2.0, 1.0, 3.0])
    assert cw.constants["f_star"] == 2.0 - 0.75
    assert cw.value(np.array([[0.0, 0.0, -1.0]]))[0] == pytest.approx(1.25, rel=1e-15)


# == coordinate-wise =================================================================================

@given(obj=coordinatewise, data=st.data())
def test_coordinatewise_hessian_form_per_coordinate(obj, data):
    X = data.draw(points(obj.d, rows=4, radius=3.0))
    Hs = dense_hessian(obj, X)
    diag = np.diagonal(Hs, axis1=1, axis2=2)
    assert np.array_equal(Hs, diag[:, :, None] * np.eye(obj.d))  # separable: diagonal Hessian
    bound = obj.L0_i + obj.L1_i * np.abs(obj.grad(X))
    assert np.all(np.abs(diag) <= bound * (1 + REL) + 1e-12)
    assert obj.constants["L0"] == obj.L0_i.max() and obj.constants["L1"] == obj.L1_i.max()


@given(obj=coordinatewise, c=st.sampled_from([0.5, 1.0, 2.0]), data=st.data())
def test_coordinatewise_first_order_form(obj, c, data):
    """|d_i f(y) - d_i f(x)| <= B(c) (L0_i + L1_i |d_i f(x)|) |y_i - x_i| for |y_i - x_i| <= c/L1_i."""
    X = data.draw(points(obj.d, rows=4, radius=3.0))
    T = data.draw(points(obj.d, rows=4, radius=1.0))
    Y = X + T * (c / obj.L1_i)
    gx = obj.grad(X)
    lhs = np.abs(obj.grad(Y) - gx)
    rhs = gronwall_factor(c) * (obj.L0_i + obj.L1_i * np.abs(gx)) * np.abs(Y - X)
    assert np.all(lhs <= rhs * (1 + REL) + 1e-12)


def test_coordinatewise_constants_attained_per_coordinate():
    obj = CoordinatewiseL0L1(kinds=["cosh", "exp", "quartic", "double_well"], a=[1.5, 0.7, 2.0, 1.0],
                             scales=[2.0, 3.0, 0.5, 1.0])
    assert np.allclose(obj.L0_i, [2 * 1.5**2, 0.0, 0.5 * 4 / 4.0, 2 + 16 * math.sqrt(3) / 9], rtol=1e-12)
    assert np.array_equal(obj.L1_i, [1.5, 0.7, 2.0, 1.0])
    X = np.array([[0.0, 0.4, 1.0, 1 + 2 / math.sqrt(3)]])  # the argmax of |h''| - L1 |h'| per coordinate
    gap = np.abs(obj.hessian_diagonal(X)) - obj.L1_i * np.abs(obj.grad(X))
    assert np.allclose(gap[0], obj.L0_i, rtol=1e-12, atol=1e-12)


def test_scalar_l0l1_does_not_give_the_coordinatewise_form():
    """Card 8.3 (with the Mexican hat, scalar (2, 3)-smooth): at w = (0, R), d_1 f = 0 while
    d_11 f = R^2 - 1 grows without bound, so no L0_1 + L1_1 |d_1 f| can bound it."""
    obj = MexicanHat(d=2)
    for R in (10.0, 100.0):
        X = np.array([[0.0, R]])
        assert obj.grad(X)[0, 0] == 0.0
        assert obj.hvp(X, np.array([[1.0, 0.0]]))[0, 0] == pytest.approx(R * R - 1, rel=1e-12)
        assert hess_norm(obj, X)[0] <= obj.constants["L0"] + obj.constants["L1"] * row_norm(obj.grad(X))[0]


def test_factory_builds_each_family():
    for name, cls in [("cosh", CoshSum), ("quartic", QuarticSum), ("mexican_hat", MexicanHat),
                      ("exp_sum", ExpSum), ("coordinatewise_l0l1", CoordinatewiseL0L1)]:
        obj = objectives.get(name)
        assert isinstance(obj, cls) and obj.name == name
    assert objectives.get("cosh", d=3, a=2.0, witness=1).constants["L0"] == 4.0
    assert objectives.get("coordinatewise_l0l1").function_class == "coordinate-wise (L0,L1)-smooth"


# == the gradient bound on sublevel sets (ZHSJ assumption A4) ========================================

@given(obj=scalar_l0l1(), data=st.data())
def test_grad_norm_sup_bounds_the_gradient_on_the_sublevel_set(obj, data):
    """z lies in its own sublevel set {f <= f(z)}, so ||grad f(z)|| <= M(f(z)). The computed f(z) may sit
    ulps below the true value and M has a square-root corner at inf f, so the level gets a rounding
    allowance of 1e-14 (1 + |f|); away from inf f (f - f* >= 1e-2 (1 + |f|)) the bare f(z) is used."""
    X = data.draw(points(obj.d, rows=4, radius=3.0))
    f, g = obj.value(X), row_norm(obj.grad(X))
    assert np.all(g <= obj.grad_norm_sup(f + 1e-14 * (1 + np.abs(f))) * (1 + 1e-12))
    far = f - obj.constants["f_star"] >= 1e-2 * (1 + np.abs(f))
    assert np.all(g[far] <= obj.grad_norm_sup(f[far]) * (1 + 1e-12))


def _u_attaining(obj, s):
    """A u-block with phi(u) = s and ||grad phi(u)||^2 = S(s) (exp_sum with m > 1: within ~1e-8)."""
    u = np.zeros(obj.m)
    if isinstance(obj, CoshSum):
        u[0] = np.arccosh(s - obj.m + 1) / obj.a
    elif isinstance(obj, QuarticSum):
        u[0] = (4 * s) ** 0.25
    elif isinstance(obj, MexicanHat):
        u[0] = math.sqrt(1 + 2 * math.sqrt(s))
    else:  # all of phi on u_1 but a sliver delta on each other coordinate (e^{a u_i} > 0)
        delta = 1e-8 * s
        u[:] = math.log(delta / obj.c) / obj.a
        u[0] = math.log((s - (obj.m - 1) * delta) / obj.c) / obj.a
    return u


def _u_minimising(obj):
    """argmin phi (exp_sum: phi(u) = m 1e-12, the infimum 0 is not attained)."""
    u = np.zeros(obj.m)
    if isinstance(obj, MexicanHat):
        u[0] = 1.0
    elif isinstance(obj, ExpSum):
        u[:] = math.log(1e-12 / obj.c) / obj.a
    return u


def _approached_only(obj):
    return isinstance(obj, ExpSum) and obj.m > 1


@pytest.mark.parametrize("obj, level", [
    (CoshSum(d=1, a=1.3), 4.0), (CoshSum(d=3, a=0.4), 3.5), (CoshSum(d=2, a=2.0), 50.0),
    (QuarticSum(d=1, L1=0.5), 0.3), (QuarticSum(d=3), 7.0),
    (MexicanHat(d=1), 0.02), (MexicanHat(d=2, L1=1.0), 0.1), (MexicanHat(d=3), 5.0),
    (ExpSum(d=1, a=1.3, c=0.4), 2.5), (ExpSum(d=3, a=0.7, c=2.0), 4.0),     # m > 1: approached only
])
def test_grad_norm_sup_is_attained_without_witness(obj, level):
    z = _u_attaining(obj, level)[None, :]
    assert obj.value(z)[0] == pytest.approx(level, rel=1e-13)
    M, g = obj.grad_norm_sup(level), row_norm(obj.grad(z))[0]
    assert g <= M * (1 + 1e-12)
    if _approached_only(obj):
        assert M * (1 - 1e-6) <= g < M
    else:
        assert g == pytest.approx(M, rel=1e-12)


@pytest.mark.parametrize("obj, level, top_wins", [
    (CoshSum(d=3, a=1.0, witness=1, mu=5.0), 3.0, False),     # S = e(e + 2) = 3 < 2 mu e = 10
    (CoshSum(d=3, a=1.0, witness=1, mu=5.0), 22.0, True),     # 440 > 200
    (QuarticSum(d=3, L1=2.0, witness=2, mu=3.0), 0.25, False),  # 8 s^1.5 vs 6 s: switch at s = 9/16
    (QuarticSum(d=3, L1=2.0, witness=2, mu=3.0), 4.0, True),
    (MexicanHat(d=3, witness=1, mu=4.0), 0.1, False),         # 4s + 8 s^1.5 vs 8 s: switch at s = 1/4
    (MexicanHat(d=3, witness=1, mu=4.0), 2.0, True),
    (MexicanHat(d=2, witness=1, mu=1.0), 0.01, True),         # mu = 1: 2 mu s < S(s) always
    (ExpSum(d=2, witness=1, mu=2.0), 1.0, False),             # s^2 vs 4 s: switch at s = 4
    (ExpSum(d=2, witness=1, mu=2.0), 10.0, True),             # m = 1: attained
    (ExpSum(d=3, a=0.5, c=2.0, witness=1, mu=1.0), 2.0, False),  # 0.25 s^2 vs 2 s: switch at s = 8
    (ExpSum(d=3, a=0.5, c=2.0, witness=1, mu=1.0), 20.0, True),  # m = 2: approached only
])
def test_grad_norm_sup_with_witness_is_the_better_endpoint(obj, level, top_wins):
    """M^2 = max(S(level), 2 mu (level - phi_min)): z_top = (u*, 0) with phi(u*) = level and
    z_min = (argmin phi, y) with q(y) = level - phi_min both lie on the level set; the larger of their
    gradient norms is M (exp_sum: approached)."""
    z_top = np.zeros((1, obj.d))
    z_top[0, :obj.m] = _u_attaining(obj, level)
    z_min = np.zeros((1, obj.d))
    z_min[0, :obj.m] = _u_minimising(obj)
    z_min[0, obj.m] = math.sqrt(2 * (level - obj.value(z_min)[0]) / obj.mu)
    assert obj.value(z_min)[0] == pytest.approx(level, rel=1e-13)
    assert obj.value(z_top)[0] == pytest.approx(level, rel=1e-13)
    g_top, g_min = row_norm(obj.grad(z_top))[0], row_norm(obj.grad(z_min))[0]
    assert (g_top > g_min) == top_wins
    M = obj.grad_norm_sup(level)
    assert max(g_top, g_min) <= M * (1 + 1e-12)
    if isinstance(obj, ExpSum) and (obj.m > 1 or not top_wins):
        assert M * (1 - 1e-6) <= max(g_top, g_min) < M
    else:
        assert max(g_top, g_min) == pytest.approx(M, rel=1e-12)


@pytest.mark.parametrize("m", [1, 3])
def test_mexican_hat_sup_matches_a_dense_radial_grid(m):
    """Independent of the formula 4s (1 + 2 sqrt s): maximise ||grad f|| over radii r e_1 (r in [0, 3],
    spacing 7.5e-6) with f <= s, from the objective's own value and grad. The levels straddle s = 1/9,
    where the t = r^2 = 1/3 bump (||grad||^2 = 4/27) enters the sublevel set; it never wins."""
    obj = MexicanHat(d=m)
    r = np.linspace(0.0, 3.0, 400_001)
    X = np.zeros((r.size, m))
    X[:, 0] = r
    f, g = obj.value(X), row_norm(obj.grad(X))
    for s in (0.01, 0.05, 0.1, 1 / 9, 0.12, 0.3, 1.0, 3.0, 12.0):
        grid = g[f <= s].max()
        M = obj.grad_norm_sup(s)
        assert grid <= M * (1 + 1e-12) and grid >= M * (1 - 1e-4)
    assert g[(r * r >= 1 / 3 - 1e-9) & (r * r <= 1)].max() == pytest.approx(math.sqrt(4 / 27), rel=1e-9)


def test_grad_norm_sup_is_vectorised_and_checks_level():
    obj = CoshSum(d=3, a=0.7, witness=1, mu=2.0)              # inf f = m = 2
    levels = np.array([[2.0, 2.5], [7.0, 40.0]])
    out = obj.grad_norm_sup(levels)
    assert out.shape == (2, 2)
    assert np.array_equal(out, [[obj.grad_norm_sup(float(v)) for v in row] for row in levels])
    assert isinstance(obj.grad_norm_sup(2.5), float) and obj.grad_norm_sup(np.float64(2.5)) == out[0, 1]
    assert obj.grad_norm_sup([2.5]).shape == (1,)
    assert obj.grad_norm_sup(2.0) == 0.0 and obj.grad_norm_sup(math.inf) == math.inf
    assert obj.grad_norm_sup(40.0) == pytest.approx(0.7 * math.sqrt(38 * 40), rel=1e-14)  # a^2 e (e + 2)
    assert QuarticSum(d=2).grad_norm_sup(0.0) == 0.0
    for bad_obj, bad in [(obj, 1.999), (obj, [3.0, 1.0]), (QuarticSum(d=2), -1e-12), (obj, math.nan),
                         (MexicanHat(d=2), np.array([[0.5, -0.1]])), (ExpSum(d=2), 0.0), (obj, "high")]:
        with pytest.raises(ValueError, match=r"\blevel\b"):
            bad_obj.grad_norm_sup(bad)
    with pytest.raises(ValueError, match=r"inf f = 2\.0"):
        obj.grad_norm_sup(1.5)
    with pytest.raises(ValueError, match="not attained"):
        ExpSum(d=2, witness=1).grad_norm_sup(0.0)
    assert ExpSum(d=1, a=2.0).grad_norm_sup(1e-300) == pytest.approx(2e-300, rel=1e-14)
