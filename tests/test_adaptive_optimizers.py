"""RMSprop, Adam, Adam-L2, AdamW, AdamProx, signGD and signum: torch and optax conformance, the cards'
test vectors, and the properties the theory relies on.

Golden trajectories were recorded by hand (this file imports neither torch nor optax):

* tests/golden/torch_adaptive.json by ``python tests/golden/record_torch_adaptive.py``:
  torch.optim.Adam (default, amsgrad, coupled weight decay), AdamW, RMSprop (plain, centered,
  momentum, both), non-default betas/eps, constant lr and a per-step schedule;
* tests/golden/optax_adaptive.json by ``python tests/golden/record_optax.py``: where optax's
  conventions differ from torch's (rmsprop's eps inside the sqrt and lr inside its momentum
  buffer, adam's eps_root, amsgrad's maximum of bias-corrected moments), and sign_sgd, signum.

Each case is checked through the pure ``init``/``step`` pair (every iterate, and that ``step``
mutates neither the state nor the gradient it is handed) and end to end through ``reference.run``
(f at every step and x_final), to 1e-12.

Card test vectors come from shared/papers/adamw_sde_signgd.md: section 1.8 (Adam-L2 / AdamW /
AdamProx in Zhuang et al.'s convention, decay lambda eta_t without alpha, and the scale-freeness
numbers), 2.7 (torch Adam, Adam with beta1 = 0, textbook RMSprop, the square-root rule, SVAG) and
3.4 (Adam with and without bias correction, eps = 0, discrete signGD, and distances to the signGD
flow). The cards print 10 significant digits; we match to half a unit in the last one.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convcheck.reference import optimizers as opts
from convcheck.reference import run
from convcheck.reference.objectives import SinSquared
from convcheck.reference.optimizers import adam, adam_l2, adamprox, adamw, rmsprop, signgd, signum
from convcheck.reference.scaling import sqrt_rule, svag_map, svag_weights
from convcheck.reference.schedules import Schedule, power

from golden_support import TOL, at, drive, hp_of, load, max_abs, objective_of, piecewise

TORCH, TORCH_CASES = load("torch_adaptive.json")
OPTAX, OPTAX_CASES = load("optax_adaptive.json")



def printed_close(value: float, printed: float) -> bool:
    """value agrees with a number printed with %.10g to half a unit in its last digit."""
    if printed == 0.0:
        return abs(value) < 1e-12
    unit = 10.0 ** (math.floor(math.log10(abs(printed))) - 9)
    return abs(value - printed) <= 0.5 * unit * (1 + 1e-6)


# -- the golden data itself ------------------------------------------------------------------------


def test_torch_golden_file_is_complete():
    names = set(TORCH_CASES)
    for prob in ("quad", "sin_squared"):
        for label in ("adam", "adam_b0.8_0.95_eps1e-3", "adam_amsgrad", "adam_l2", "adamw",
                      "adamw_amsgrad_eps1e-3", "rmsprop", "rmsprop_a0.9_eps1e-3", "rmsprop_centered",
                      "rmsprop_momentum", "rmsprop_centered_momentum"):
            assert f"{prob}/{label}" in names and f"{prob}/{label}_sched" in names
    assert TORCH["dtype"] == "float64" and TORCH["torch_version"].startswith("2.")
    sin = TORCH_CASES["sin_squared/adamw"]
    assert sin["steps"] == 50 and np.shape(sin["x"]) == (51, 3, 5)
    # the problems and starting points are record_torch.py's
    sgd = load("torch_sgd.json")[0]
    for prob in ("quad", "sin_squared"):
        for key in ("d", "params", "x0", "objective"):
            assert TORCH["problems"][prob][key] == sgd["problems"][prob][key] == OPTAX["problems"][prob][key]


def test_optax_golden_file_is_complete():
    assert OPTAX["dtype"].startswith("float64") and OPTAX["optax_version"]
    aliases = {c["optax_alias"] for c in OPTAX["cases"]}
    assert aliases == {"rmsprop", "adam", "amsgrad", "adamw", "sign_sgd", "signum"}
    assert len(OPTAX_CASES) == 44


# -- every recorded trajectory, two ways -----------------------------------------------------------


def golden_params():
    return ([pytest.param(TORCH, n, id=f"torch:{n}") for n in sorted(TORCH_CASES)]
            + [pytest.param(OPTAX, n, id=f"optax:{n}") for n in sorted(OPTAX_CASES)])


def case_of(golden, name):
    return {c["name"]: c for c in golden["cases"]}[name]


@pytest.mark.parametrize("golden,name", golden_params())
def test_init_step_reproduce_golden_iterates(golden, name):
    case = case_of(golden, name)
    obj = objective_of(golden, case["problem"])
    x0 = np.asarray(golden["problems"][case["problem"]]["x0"], dtype=np.float64)
    opt = opts.get(case["optimizer"], **case["convention"])
    xs = drive(opt, lambda x, t: obj.grad(x), x0, hp_of(case), case["steps"])
    err = max_abs(xs, case["x"])
    assert err <= TOL, f"{name}: max |x_ours - x_golden| = {err:.3e}"


@pytest.mark.parametrize("golden,name", golden_params())
def test_run_reproduces_golden_f_and_final_iterate(golden, name):
    case = case_of(golden, name)
    obj = objective_of(golden, case["problem"])
    x0 = np.asarray(golden["problems"][case["problem"]]["x0"], dtype=np.float64)
    steps = case["steps"]
    opt = opts.get(case["optimizer"], **case["convention"])
    tr = run(opt, obj, x0, steps, hp=hp_of(case), record=range(steps + 1))
    np.testing.assert_array_equal(tr.steps, np.arange(steps + 1))
    assert not tr.diverged().any()
    err_f, err_x = max_abs(tr.f, case["f"]), max_abs(tr.x_final, case["x"][-1])
    assert err_f <= TOL and err_x <= TOL, f"{name}: f err {err_f:.3e}, x_final err {err_x:.3e}"
    assert tr.optimizer == opt.describe() and set(case["convention"]) <= set(opt.convention)


def golden_error(golden, name, convention=None, hp=None):
    """max |x - x_golden| when the case is run with another convention or hyperparameters."""
    case = case_of(golden, name)
    obj = objective_of(golden, case["problem"])
    x0 = np.asarray(golden["problems"][case["problem"]]["x0"], dtype=np.float64)
    opt = opts.get(case["optimizer"], **(case["convention"] if convention is None else convention))
    xs = drive(opt, lambda x, t: obj.grad(x), x0, {**hp_of(case), **(hp or {})}, case["steps"])
    return max_abs(xs, case["x"])


@pytest.mark.parametrize("prob", ["quad", "sin_squared"])
def test_optax_conventions_are_not_torchs(prob):
    """Each optax recording is missed by torch's convention: the switches are needed."""
    # eps inside vs outside the sqrt
    assert golden_error(OPTAX, f"{prob}/rmsprop_eps1e-2", convention={}) > 1e-3
    assert golden_error(OPTAX, f"{prob}/rmsprop", convention={}) > 1e-9
    # lr inside optax's momentum buffer: the same for a constant lr, not under a schedule
    assert golden_error(OPTAX, f"{prob}/rmsprop_momentum", convention={"xi_inside": True}) <= TOL
    assert golden_error(OPTAX, f"{prob}/rmsprop_momentum_sched", convention={"xi_inside": True}) > 0.1
    # amsgrad: maximum of raw (torch) or of bias-corrected (optax) second moments
    assert golden_error(OPTAX, f"{prob}/amsgrad", convention={"amsgrad": True}) > 0.1
    # eps_root matters
    assert golden_error(OPTAX, f"{prob}/adam_eps_root1e-4", hp={"xi_root": 0.0}) > 1e-5


# -- card adamw_sde_signgd.md section 1.8: Zhuang et al.'s Adam-L2 / AdamW / AdamProx ------------

A = np.array([[2.0, 0.5], [0.5, 1.0]])
B = np.array([1.0, -1.0])
X0 = np.array([[1.0, 2.0]])

CARD_1_8 = {  # x_1, x_2, x_3; alpha = 0.1, eta_t = 1, betas (0.9, 0.999), eps 1e-8, lambda = 0.1
    "adam_l2": [(0.9000000005, 1.9), (0.8005603182, 1.800139592), (0.7021883444, 1.700520653)],
    "adamw": [(0.8000000005, 1.7), (0.6220679967, 1.43049854), (0.4661589398, 1.18878087)],
    "adamprox": [(0.8181818186, 1.727272728), (0.6544766464, 1.47973432), (0.5088320792, 1.255360874)],
}


def zhuang(kind):
    """Zhuang et al.'s three variants: decay lambda eta_t with no alpha (adamw decay="schedule")."""
    return {"adam_l2": adam_l2(), "adamw": adamw(decay="schedule"), "adamprox": adamprox()}[kind]


@pytest.mark.parametrize("kind", sorted(CARD_1_8))
def test_card_1_8_vectors(kind):
    hp = {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8, "weight_decay": 0.1}
    xs = drive(zhuang(kind), lambda x, t: x @ A - B, X0, hp, 3)
    for t, expected in enumerate(CARD_1_8[kind], start=1):
        for got, want in zip(xs[t, 0], expected):
            assert printed_close(got, want), (kind, t, got, want)


def test_card_1_4_adamprox_minus_adamw_gap():
    """x^Prox_1 - x^W_1 = (lambda eta/(1 + lambda eta)) (lambda eta x_0 + alpha eta p_1), p_1 = sign(g_0)."""
    hp = {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "xi": 0.0, "weight_decay": 0.1}
    def grad(x, t):
        return x @ A - B
    prox, w = drive(adamprox(), grad, X0, hp, 1)[1], drive(adamw(decay="schedule"), grad, X0, hp, 1)[1]
    p1 = np.sign(X0 @ A - B)
    # a difference of two rounded O(1) iterates: to a few of their ulps (the fused kernel's order moves ~2 ulps)
    np.testing.assert_allclose(prox - w, (0.1 / 1.1) * (0.1 * X0 + 0.1 * p1), rtol=1e-14,
                               atol=4 * np.finfo(float).eps * np.abs(w).max())


SEPARABLE_A = np.array([1.0, 100.0])
SF_X0 = np.array([[3.0, -1.0]])
SF_HP = {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "xi": 0.0, "weight_decay": 0.1}


def separable_run(kind, c, steps=200, hp=SF_HP, a=SEPARABLE_A):
    """Card 1.8's scale-freeness demonstration: oracle c * (a x - 1) from x0 = (3, -1)."""
    return drive(zhuang(kind), lambda x, t: c * (a * x - 1.0), SF_X0, hp, steps)


def test_card_1_8_third_iterates_with_rescaled_oracle():
    c = np.array([1e3, 1e-3])
    third = {"adamw": (1.9204661429, -0.4623785269), "adamprox": (2.0087197488, -0.5060253026)}
    for kind, want in third.items():
        for scale in (np.ones(2), c):
            got = separable_run(kind, scale, steps=3)[3, 0]
            assert all(printed_close(g, w) for g, w in zip(got, want)), (kind, scale, got)
    l2_plain, l2_scaled = separable_run("adam_l2", np.ones(2), 3)[3, 0], separable_run("adam_l2", c, 3)[3, 0]
    assert all(printed_close(g, w) for g, w in zip(l2_plain, (2.7005897696, -0.7015634303)))
    assert all(printed_close(g, w) for g, w in zip(l2_scaled, (2.7006233523, -0.7015747621)))


@pytest.mark.parametrize("c", [np.array([1e3, 1e-3]), np.array([2.0 ** 10, 2.0 ** -7])], ids=["1e3", "pow2"])
def test_card_1_8_scale_freeness_table(c):
    one = {k: separable_run(k, np.ones(2)) for k in CARD_1_8}
    diff = {k: max_abs(separable_run(k, c), one[k]) for k in CARD_1_8}
    assert abs(diff["adam_l2"] - 1.203e-01) < 5e-4
    if c[0] == 2.0 ** 10:  # exact powers of two: bit-identical
        assert diff["adamw"] == 0.0 and diff["adamprox"] == 0.0
    else:
        assert diff["adamw"] < 1e-14 and diff["adamprox"] < 1e-14


def test_card_1_8_condition_number_and_eps():
    """f_a = 1/2 sum a_i (x_i - 1)^2 for a = (1, 1) and (1, 1e4): identical AdamW/AdamProx runs, not
    Adam-L2's (1.224e-01); with eps = 1e-8 and c = (1, 1e-9) AdamW differs by up to 5.1e-02."""
    flat, stiff = np.array([1.0, 1.0]), np.array([1.0, 1e4])

    def run_a(kind, a, hp=SF_HP):
        return drive(zhuang(kind), lambda x, t: a * (x - 1.0), SF_X0, hp, 200)

    for kind in ("adamw", "adamprox"):
        assert max_abs(run_a(kind, flat), run_a(kind, stiff)) < 1e-14
    assert abs(max_abs(run_a("adam_l2", flat), run_a("adam_l2", stiff)) - 1.224e-01) < 5e-4
    hp_eps = {**SF_HP, "xi": 1e-8}
    c = np.array([1.0, 1e-9])
    d = max_abs(separable_run("adamw", np.ones(2), hp=hp_eps), separable_run("adamw", c, hp=hp_eps))
    assert abs(d - 5.1e-02) < 5e-4


# -- card section 2.7: torch Adam, RMSprop two ways, square-root rule, SVAG ------------------------

Z = np.array([[0.3, -0.2], [-0.1, 0.4], [0.25, 0.05], [-0.35, 0.1], [0.2, -0.3], [-0.05, 0.15]])


def noisy(x, t):  # g_k = A x_k - b + z_k, k = t + 1
    return x @ A - B + Z[t]


ELL = 2
R1, R2 = svag_weights(ELL)


def svag(x, t):  # r1 (A x - b + z_k) + r2 (A x - b + z_{k+3})
    return R1 * (x @ A - B + Z[t]) + R2 * (x @ A - B + Z[t + 3])


ETA, KAP = 1e-2, 4.0
BASE_HP = {"lr": ETA, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8}
CARD_2_7 = [  # (label, optimizer, hp, oracle, x_1, x_2, x_3)
    ("Adam, torch semantics", adam(), BASE_HP, noisy,
     [(0.99, 1.99), (0.9801042162, 1.979990676), (0.9701545505, 1.969993714)]),
    ("RMSprop as torch Adam with beta1 = 0", adam(),
     {"lr": ETA, "beta1": 0.0, "beta2": 0.999, "xi": 1e-8}, noisy,
     [(0.99, 1.99), (0.9810636934, 1.979221907), (0.9707428565, 1.969380486)]),
    ("RMSprop textbook", rmsprop(), {"lr": ETA, "beta2": 0.999, "xi": 1e-8}, noisy,
     [(0.6837722775, 1.683772264), (0.5463286217, 1.455972655), (0.4239618469, 1.296355537)]),
    ("Adam after sqrt rule, kappa = 4", adam(), sqrt_rule(BASE_HP, KAP), noisy,
     [(0.98, 1.98), (0.9606514051, 1.95966988), (0.9408619786, 1.939613947)]),
    ("Adam-SVAG l = 2", adam(), svag_map(BASE_HP, ELL), svag,
     [(0.995, 1.995), (0.9901851982, 1.990074647), (0.9853040052, 1.985135273)]),
]


@pytest.mark.parametrize("label,opt,hp,oracle,expected", CARD_2_7, ids=[r[0] for r in CARD_2_7])
def test_card_2_7_vectors(label, opt, hp, oracle, expected):
    xs = drive(opt, oracle, X0, hp, 3)
    for t, want in enumerate(expected, start=1):
        assert all(printed_close(g, w) for g, w in zip(xs[t, 0], want)), (label, t, xs[t, 0], want)


# -- card section 3.4: Adam -> signGD ------------------------------------------------------------

A34 = np.array([1.0, 10.0])  # f = 1/2 (x_1^2 + 10 x_2^2)
HP34 = {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "xi": 0.0}
CARD_3_4 = [
    ("adam, bias-corrected", adam(), HP34, [0.99, 0.9800027459, 0.9700100992]),
    ("adam, no bias correction", adam(bias_correction=False), HP34,
     [0.9683772234, 0.9259223761, 0.8765767573]),
    ("signgd", signgd(), {"lr": 0.01}, [0.99, 0.98, 0.97]),
]


@pytest.mark.parametrize("label,opt,hp,expected", CARD_3_4, ids=[r[0] for r in CARD_3_4])
def test_card_3_4_vectors(label, opt, hp, expected):
    xs = drive(opt, lambda x, t: A34 * x, np.array([[1.0, 1.0]]), hp, 3)
    for t, want in enumerate(expected, start=1):
        # both coordinates coincide: Adam with eps = 0 is per-coordinate scale-free
        assert printed_close(xs[t, 0, 0], want) and printed_close(xs[t, 0, 1], want), (label, t, xs[t, 0])


@pytest.mark.parametrize("beta2,bias_correction,eta,distance", [
    (0.999, True, 1e-2, 3.68e-02), (0.999, True, 1e-3, 6.05e-02),
    (0.999, False, 1e-2, 5.09e-01), (0.999, False, 1e-3, 3.81e-01),
    (0.99, True, 1e-2, 3.37e-02), (0.99, True, 1e-3, 3.67e-02),
    (0.99, False, 1e-2, 2.82e-01), (0.99, False, 1e-3, 3.51e-02),
])
def test_card_3_4_distance_to_the_signgd_flow(beta2, bias_correction, eta, distance):
    """||x_{T/eta} - x_flow(T)||_inf at T = 0.5, flow x(t) = (1 - t, 1 - t); printed to 3 digits."""
    steps = int(round(0.5 / eta))
    x = drive(adam(bias_correction=bias_correction), lambda x, t: A34 * x, np.array([[1.0, 1.0]]),
              {"lr": eta, "beta1": 0.9, "beta2": beta2, "xi": 0.0}, steps)[-1]
    got = float(np.max(np.abs(x - 0.5)))
    assert abs(got - distance) <= 0.5 * 10.0 ** (math.floor(math.log10(distance)) - 2) * (1 + 1e-6), got


# -- properties ----------------------------------------------------------------------------------

# every factory under every convention, with hyperparameters that make each switch matter
VARIANTS = {
    "rmsprop": (rmsprop(), {"lr": 0.01}),
    "rmsprop_centered_momentum": (rmsprop(centered=True), {"lr": 0.01, "momentum": 0.9, "beta2": 0.9}),
    "rmsprop_inside_optax_momentum": (rmsprop(xi_inside=True, momentum_form="optax"),
                                      {"lr": 0.01, "momentum": 0.9, "xi": 1e-3}),
    "adam": (adam(), {"lr": 0.05}),
    "adam_xi_root": (adam(), {"lr": 0.05, "xi_root": 1e-3}),
    "adam_no_bias_correction": (adam(bias_correction=False), {"lr": 0.05}),
    "adam_amsgrad": (adam(amsgrad=True), {"lr": 0.05, "beta2": 0.99}),
    "adam_amsgrad_optax": (adam(amsgrad="optax"), {"lr": 0.05, "beta2": 0.99}),
    "adam_l2": (adam_l2(), {"lr": 0.05, "weight_decay": 0.2}),
    "adamw": (adamw(), {"lr": 0.05, "weight_decay": 0.2}),
    "adamw_schedule": (adamw(decay="schedule", amsgrad=True), {"lr": 0.05, "weight_decay": 0.02}),
    "adamprox": (adamprox(), {"lr": 0.05, "weight_decay": 0.02}),
    "signgd": (signgd(), {"lr": 0.05}),
    "signum": (signum(), {"lr": 0.05}),
}


def test_registry_builds_every_factory_and_names_are_glossary_names():
    from convcheck import glossary

    for name in ("rmsprop", "adam", "adam_l2", "adamw", "adamprox", "signgd", "signum"):
        assert name in opts.NAMES and opts.get(name).name == name
    for opt, _ in VARIANTS.values():
        assert set(opt.defaults) <= set(glossary.HYPERPARAMETERS), opt.name
    assert opts.get("adamw", decay="schedule").convention["decay"] == "schedule"
    assert adamw(decay="schedule").describe() == "adamw(decay=schedule, bias_correction=True, amsgrad=False)"
    assert adam().defaults == {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8, "xi_root": 0.0}
    assert rmsprop().defaults == {"lr": None, "beta2": 0.99, "xi": 1e-8, "momentum": 0.0}
    assert adamw().defaults["weight_decay"] == 1e-2 and adam_l2().defaults["weight_decay"] == 0.0


@pytest.mark.parametrize("factory,kwargs,arg", [
    (rmsprop, {"xi_inside": "yes"}, "xi_inside"),
    (rmsprop, {"centered": 1}, "centered"),
    (rmsprop, {"momentum_form": "keras"}, "momentum_form"),
    (adam, {"bias_correction": None}, "bias_correction"),
    (adam, {"amsgrad": "max"}, "amsgrad"),
    (adam_l2, {"amsgrad": 2}, "amsgrad"),
    (adamw, {"decay": "paper"}, "decay"),
    (adamw, {"bias_correction": "no"}, "bias_correction"),
    (adamprox, {"amsgrad": "tf"}, "amsgrad"),
])
def test_unknown_convention_values_are_refused_by_name(factory, kwargs, arg):
    value = next(iter(kwargs.values()))
    with pytest.raises(ValueError, match=rf"{arg} .*got {value!r}".replace("(", r"\(").replace(")", r"\)")):
        factory(**kwargs)
    with pytest.raises(TypeError):
        factory(eps_inside=True)  # a convention name that does not exist is a TypeError, as for any call


def test_unknown_and_missing_hyperparameters_are_refused():
    with pytest.raises(ValueError, match="no hyperparameter 'eps'"):
        adam().hyperparameters({"eps": 1e-8})
    with pytest.raises(ValueError, match="needs hyperparameter 'lr'"):
        rmsprop().hyperparameters({})


# coordinates of starting points: 0 or |x| >= 1e-6, so that no g^2 (or c g with c >= 2^-30) underflows
finite = st.floats(-3.0, 3.0).filter(lambda v: v == 0.0 or abs(v) >= 1e-6)


@st.composite
def batch(draw, max_runs=4, max_d=3):
    R, d = draw(st.integers(1, max_runs)), draw(st.integers(1, max_d))
    x0 = np.array(draw(st.lists(st.lists(finite, min_size=d, max_size=d), min_size=R, max_size=R)))
    return x0


def column(draw, R, lo, hi):
    return np.array(draw(st.lists(st.floats(lo, hi), min_size=R, max_size=R))).reshape(R, 1)


@given(data=st.data(), name=st.sampled_from(sorted(VARIANTS)), x0=batch())
def test_batched_runs_with_hyperparameter_columns_equal_runs_one_at_a_time(data, name, x0):
    opt, base = VARIANTS[name]
    R = x0.shape[0]
    draw = data.draw
    ranges = {"lr": (1e-3, 0.1), "beta1": (0.0, 0.99), "beta2": (0.5, 0.999), "xi": (0.0, 1e-2),
              "xi_root": (0.0, 1e-2), "weight_decay": (0.0, 0.5), "momentum": (0.0, 0.95)}
    hp = {**base, **{k: column(draw, R, *ranges[k]) for k in opt.defaults
                     if draw(st.booleans(), label=f"{k} per run")}}
    obj = SinSquared(x0.shape[1], 3.0)
    steps = 15
    together = run(opt, obj, x0, steps, hp=hp, record=[0, steps])
    for r in range(R):
        hp_r = {k: float(v[r, 0]) if isinstance(v, np.ndarray) else v for k, v in hp.items()}
        alone = run(opt, obj, x0[r:r + 1], steps, hp=hp_r, record=[0, steps])
        # equal up to libm's pow for a scalar vs numpy's for a column in the bias corrections
        np.testing.assert_allclose(together.x_final[r], alone.x_final[0], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(together.f[:, r], alone.f[:, 0], rtol=1e-13, atol=1e-15)


@given(data=st.data(), name=st.sampled_from(sorted(VARIANTS)), x0=batch())
def test_step_mutates_nothing_it_is_handed(data, name, x0):
    """golden_support.drive checks state, gradient and hyperparameters are untouched, keys kept, no aliasing."""
    opt, base = VARIANTS[name]
    obj = SinSquared(x0.shape[1], 3.0)
    xs = drive(opt, lambda x, t: obj.grad(x), x0, {**base, "lr": column(data.draw, x0.shape[0], 1e-3, 0.1)}, 3,
               no_alias=True)
    assert xs.shape == (4, *x0.shape) and np.isfinite(xs).all()


# scale-freeness: with xi = 0 (and xi_root = 0) the iterates do not change when every gradient is
# multiplied by a fixed positive vector c. For c_i powers of 2 every product is exact, so the runs
# are bit-identical (m scales by c, v by c^2, sqrt(v) by c, m / sqrt(v) not at all).
SCALE_FREE = {
    "adam": (adam(), {}),
    "adam_no_bias_correction": (adam(bias_correction=False), {}),
    "adam_amsgrad": (adam(amsgrad=True), {"beta2": 0.99}),
    "adam_amsgrad_optax": (adam(amsgrad="optax"), {"beta2": 0.99}),
    "adamw": (adamw(), {"weight_decay": 0.3}),
    "adamw_schedule": (adamw(decay="schedule"), {"weight_decay": 0.03}),
    "adamprox": (adamprox(), {"weight_decay": 0.03}),
    "rmsprop": (rmsprop(), {}),
    "rmsprop_centered_momentum": (rmsprop(centered=True), {"momentum": 0.9}),
    "signgd": (signgd(), {}),
    "signum": (signum(), {}),
}


def scaled_runs(opt, hp, c, x0, steps=40, lr=None):
    """Iterates on f(x) = sum_i a_i (x_i - 1)^2 / 2 + sin^2(x_i) with oracle g and with c * g."""
    a = np.linspace(1.0, 5.0, x0.shape[1])
    def grad(x, t):
        return a * (x - 1.0) + np.sin(2.0 * x)
    hp = {"lr": lr if lr is not None else power(0.05, 0.5), **hp}
    if "xi" in opt.defaults:
        hp["xi"] = 0.0
    plain = drive(opt, grad, x0, hp, steps)
    scaled = drive(opt, lambda x, t: c * grad(x, t), x0, hp, steps)
    return plain, scaled


@given(name=st.sampled_from(sorted(SCALE_FREE)), x0=batch(max_runs=3, max_d=4),
       k=st.lists(st.integers(-30, 30), min_size=4, max_size=4))
def test_scale_freeness_is_exact_for_powers_of_two(name, x0, k):
    opt, hp = SCALE_FREE[name]
    c = 2.0 ** np.array(k[: x0.shape[1]], dtype=float)
    plain, scaled = scaled_runs(opt, hp, c, x0)
    np.testing.assert_array_equal(plain, scaled)


@given(name=st.sampled_from(["adam", "adamw", "adamw_schedule", "adamprox"]), x0=batch(max_runs=3, max_d=4),
       c=st.lists(st.floats(1e-3, 1e3), min_size=4, max_size=4))
def test_scale_freeness_holds_to_rounding_for_any_positive_scale(name, x0, c):
    opt, hp = SCALE_FREE[name]
    plain, scaled = scaled_runs(opt, hp, np.array(c[: x0.shape[1]]), x0)
    assert max_abs(plain, scaled) <= 1e-13


def test_adam_l2_is_not_scale_free_and_eps_breaks_scale_freeness():
    x0 = np.array([[2.0, -1.0, 0.5]])
    c = 2.0 ** np.array([10.0, -7.0, 3.0])
    plain, scaled = scaled_runs(adam_l2(), {"weight_decay": 0.3}, c, x0)
    assert max_abs(plain, scaled) > 1e-2
    plain, scaled = scaled_runs(adam_l2(), {"weight_decay": 0.0}, c, x0)  # without decay it is Adam
    np.testing.assert_array_equal(plain, scaled)
    opt = adamw()
    def grad(x, t):
        return x - 1.0
    hp = {"lr": 0.05, "weight_decay": 0.3, "xi": 1e-8}
    c = np.array([1.0, 2.0 ** -40, 1.0])
    assert max_abs(drive(opt, grad, x0, hp, 40), drive(opt, lambda x, t: c * grad(x, t), x0, hp, 40)) > 1e-3


# -- AdamW's two decays ---------------------------------------------------------------------------


def adamw_pair(lam_lr, lam_schedule, lr, steps=40):
    x0 = SinSquared(4, 3.0).initial_points(3, seed=1)
    def grad(x, t):
        return SinSquared(4, 3.0).grad(x)
    by_lr = drive(adamw(decay="lr"), grad, x0, {"lr": lr, "weight_decay": lam_lr}, steps)
    by_schedule = drive(adamw(decay="schedule"), grad, x0, {"lr": lr, "weight_decay": lam_schedule}, steps)
    return by_lr, by_schedule


def test_adamw_decays_coincide_for_the_same_lambda_only_when_lr_is_one():
    by_lr, by_schedule = adamw_pair(0.1, 0.1, 1.0)
    np.testing.assert_array_equal(by_lr, by_schedule)  # 1 - 1 * lambda == 1 - lambda * (1 / 1)
    by_lr, by_schedule = adamw_pair(0.1, 0.1, 0.05)
    assert max_abs(by_lr, by_schedule) > 1e-2


@pytest.mark.parametrize("lr", [0.05, power(0.05, 0.5), Schedule("jump", lambda t: 0.05 if t < 20 else 0.2)],
                         ids=["constant", "power", "jump"])
def test_adamw_decays_coincide_when_lambda_schedule_is_lr0_times_lambda_lr(lr):
    """torch decays by lr_t lambda_lr = lr_0 eta_t lambda_lr; Zhuang's by eta_t lambda_schedule
    (card A1): the same runs when lambda_schedule = lr_0 lambda_lr, for any schedule."""
    lam = 0.4
    by_lr, by_schedule = adamw_pair(lam, at(lr, 0) * lam, lr)
    assert max_abs(by_lr, by_schedule) <= 1e-14


def zhuang_card_code(kind, grad, x0, alpha, eta, b1, b2, eps, lam, T):
    """adamw_sde_signgd.md section 1.8's reference loop (t = 1..T, eta(t) the schedule multiplier)."""
    x = np.array(x0, float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    out = [x.copy()]
    for t in range(1, T + 1):
        e = eta(t)
        g = grad(x)
        if kind == "adam_l2":
            g = g + lam * x
        xd = (1 - lam * e) * x if kind == "adamw" else x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mh, vh = m / (1 - b1 ** t), v / (1 - b2 ** t)
        x = xd - alpha * e * mh / (np.sqrt(vh) + eps)
        if kind == "adamprox":
            x = x / (1 + lam * e)
        out.append(x.copy())
    return np.stack(out)


@pytest.mark.parametrize("kind", sorted(CARD_1_8))
def test_zhuang_convention_under_a_schedule_matches_the_card_code(kind):
    """lr_t = alpha eta_t with the schedule multiplier eta_t = lr_t / lr_0 of reference.schedules."""
    sched = power(0.1, 0.5)
    def eta(t):
        return sched.multiplier(t - 1)  # the card counts steps from 1
    x0 = SinSquared(3, 3.0).initial_points(2, seed=2)
    grad = SinSquared(3, 3.0).grad
    want = zhuang_card_code(kind, grad, x0, 0.1, eta, 0.9, 0.999, 1e-8, 0.2, 60)
    got = drive(zhuang(kind), lambda x, t: grad(x), x0, {"lr": sched, "weight_decay": 0.2}, 60)
    assert max_abs(got, want) <= 1e-13


def test_schedule_multiplier_uses_the_lr_at_t0_per_run():
    """lr_0 is kept per run: a column-valued schedule gives each run its own eta_t = lr_t / lr_0."""
    lr0 = np.array([[0.1], [0.02]])
    sched = Schedule("col_power", lambda t: lr0 / math.sqrt(t + 1.0))
    x0 = np.array([[1.0, -2.0], [1.0, -2.0]])
    def grad(x, t):
        return x
    xs = drive(adamprox(), grad, x0, {"lr": sched, "weight_decay": 0.5}, 10)
    for r in range(2):
        one = Schedule("power", lambda t, r=r: float(lr0[r, 0]) / math.sqrt(t + 1.0))
        alone = drive(adamprox(), grad, x0[r:r + 1], {"lr": one, "weight_decay": 0.5}, 10)
        np.testing.assert_allclose(xs[:, r], alone[:, 0], rtol=1e-14, atol=1e-16)


# -- small identities ------------------------------------------------------------------------------


@given(x0=batch(), lr=st.floats(1e-3, 1.0), b1=st.floats(0.0, 0.99), b2=st.floats(0.0, 0.999))
def test_first_adam_step_is_a_sign_step(x0, lr, b1, b2):
    """With xi = 0: mhat_1 = g, vhat_1 = g^2, so x_1 = x_0 - lr sign(g_0) (card section 1.5)."""
    g = SinSquared(x0.shape[1], 3.0).grad(x0)
    opt = adam()
    hp = opt.hyperparameters({"lr": lr, "beta1": b1, "beta2": b2, "xi": 0.0})
    with np.errstate(invalid="ignore"):  # 0 / 0 where g = 0: Adam with xi = 0 is undefined there
        x1 = opt.step(opt.init(x0, hp), g, hp, 0)["x"]
    want = signgd().step({"x": x0}, g, {"lr": lr}, 0)["x"]
    nz = g != 0
    np.testing.assert_allclose(x1[nz], want[nz], rtol=1e-15, atol=4 * np.finfo(float).eps * lr)


@pytest.mark.parametrize("opt", [adam_l2(), adamw(), adamw(decay="schedule"), adamprox()],
                         ids=["adam_l2", "adamw", "adamw_schedule", "adamprox"])
def test_zero_weight_decay_is_adam_bit_for_bit(opt):
    x0 = SinSquared(4, 3.0).initial_points(3, seed=3)
    def grad(x, t):
        return SinSquared(4, 3.0).grad(x)
    hp = {"lr": power(0.05, 0.5), "beta2": 0.99}
    np.testing.assert_array_equal(drive(opt, grad, x0, {**hp, "weight_decay": 0.0}, 30),
                                  drive(adam(), grad, x0, hp, 30))


def test_signum_with_beta1_zero_is_signgd():
    x0 = SinSquared(4, 3.0).initial_points(3, seed=4)
    def grad(x, t):
        return SinSquared(4, 3.0).grad(x)
    np.testing.assert_array_equal(drive(signum(), grad, x0, {"lr": 0.05, "beta1": 0.0}, 30),
                                  drive(signgd(), grad, x0, {"lr": 0.05}, 30))


def test_rmsprop_switches_against_hand_formulas():
    """xi inside / outside the root, centered, and the two momentum forms, written out."""
    x0 = np.array([[1.5, -0.5]])
    def grad(x):
        return x + 3.0 * np.sin(2.0 * x)
    lrs = [0.02 / math.sqrt(t + 1) for t in range(25)]
    b2, xi, mu = 0.9, 1e-2, 0.8
    for xi_inside in (False, True):
        for centered in (False, True):
            for form in ("torch", "optax"):
                x, v, gb, b = x0.copy(), 0 * x0, 0 * x0, 0 * x0
                want = [x.copy()]
                for lr in lrs:
                    g = grad(x)
                    v = b2 * v + (1 - b2) * g * g
                    gb = b2 * gb + (1 - b2) * g
                    s = v - gb * gb if centered else v
                    den = np.sqrt(s + xi) if xi_inside else np.sqrt(s) + xi
                    if form == "torch":
                        b = mu * b + g / den
                        x = x - lr * b
                    else:
                        b = mu * b + lr * g / den
                        x = x - b
                    want.append(x.copy())
                opt = rmsprop(xi_inside=xi_inside, centered=centered, momentum_form=form)
                got = drive(opt, lambda x, t: grad(x), x0,
                            {"lr": piecewise(lrs), "beta2": b2, "xi": xi, "momentum": mu}, 25)
                assert max_abs(got, np.stack(want)) <= 1e-14, (xi_inside, centered, form)
