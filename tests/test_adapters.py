"""convcheck.adapters: a per-run NumPy step, torch.optim and optax as the project's batched Optimizer.

The torch and optax tests skip without those packages (CI has neither); run them with both installed.
"""
import numpy as np
import pytest

from convcheck.adapters import from_step
from convcheck.reference import objectives, optimizers, run
from convcheck.testing import assert_matches, assert_satisfies

OBJ = objectives.get("logcosh_sin", d=4, seed=0)
X0 = OBJ.initial_points(3, seed=1)
# one value per run: the adapters must hand run r its own hyperparameters
ADAM_HP = {"lr": np.array([[0.01], [0.03], [0.1]]), "beta1": np.array([[0.0], [0.5], [0.9]]),
           "beta2": np.array([[0.9], [0.99], [0.999]]), "xi": np.array([[1e-8], [1e-3], [0.1]])}


def same_run(a, b, hp, steps=60):
    """The two optimizers' iterates on OBJ from X0, every step."""
    every = range(1, steps + 1)
    xa = run(a, OBJ, X0, steps, hp=hp, record=[0], checkpoints=every).iterates
    xb = run(b, OBJ, X0, steps, hp=hp, record=[0], checkpoints=every).iterates
    return float(np.max(np.abs(xa - xb)))


def per_run_adam(state, g, t, lr, betas=(0.9, 0.999), eps=1e-8):
    """A user's Adam on one run, with torch's names."""
    b1, b2 = betas
    m, v = b1 * state["m"] + (1 - b1) * g, b2 * state["v"] + (1 - b2) * g * g
    mhat, vhat = m / (1 - b1 ** (t + 1)), v / (1 - b2 ** (t + 1))
    return {"x": state["x"] - lr * mhat / (np.sqrt(vhat) + eps), "m": m, "v": v}


def adam_init(x0):
    return {"x": x0, "m": np.zeros_like(x0), "v": np.zeros_like(x0)}


def test_from_step_maps_torch_names_to_the_glossary_and_batches_the_runs():
    opt = from_step(per_run_adam, init=adam_init)
    assert opt.defaults == {"lr": None, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8}
    assert same_run(opt, optimizers.get("adam"), ADAM_HP) < 1e-12


def test_from_step_adam_satisfies_adam_det():
    assert_satisfies("adam.det", from_step(per_run_adam, init=adam_init), runs=8, steps=200)


def test_from_step_refuses_what_it_cannot_match():
    with pytest.raises(ValueError, match="name each hyperparameter as a keyword"):
        from_step(lambda state, g, t, **hp: state)
    opt = from_step(lambda state, g, t, lr: {"y": state["x"]})
    with pytest.raises(ValueError, match="every state needs the same entries, among them 'x'"):
        run(opt, OBJ, X0, 1, hp={"lr": 0.1})


def test_a_theorem_hyperparameter_the_optimizer_lacks_is_refused_naming_it():
    opt = from_step(lambda state, g, t, lr: {"x": state["x"] - lr * g})
    with pytest.raises(ValueError, match="takes no hyperparameter 'xi', which adam.det sets; it takes lr"):
        assert_satisfies("adam.det", opt)


# --- torch ---

def test_from_torch_adam_is_the_reference_adam_per_run():
    torch = pytest.importorskip("torch")
    from convcheck.adapters import from_torch

    opt = from_torch(torch.optim.Adam)
    assert {"lr", "beta1", "beta2", "xi", "weight_decay"} <= set(opt.defaults) and opt.defaults["beta2"] == 0.999
    assert same_run(opt, optimizers.get("adam"), ADAM_HP) < 1e-12
    assert_satisfies("adam.det", opt, runs=8, steps=200)
    assert assert_matches(opt, "adam") <= 1e-12
    assert assert_matches(from_torch(torch.optim.AdamW), "adamw") <= 1e-12  # torch's decay: lr * lambda


def test_from_torch_rmsprop_alpha_is_beta2():
    torch = pytest.importorskip("torch")
    from convcheck.adapters import from_torch

    opt = from_torch(torch.optim.RMSprop)
    assert opt.defaults["beta2"] == 0.99 and "alpha" not in opt.defaults
    hp = {k: ADAM_HP[k] for k in ("lr", "beta2", "xi")}
    assert same_run(opt, optimizers.get("rmsprop"), hp) < 1e-12


def test_from_torch_sgd_nesterov_holds_nag_smooth():
    torch = pytest.importorskip("torch")
    from convcheck.adapters import from_torch

    opt = from_torch(torch.optim.SGD, nesterov=True, momentum=0.9)
    assert opt.convention["nesterov"] is True
    assert same_run(opt, optimizers.get("nag"), {"lr": ADAM_HP["lr"], "momentum": ADAM_HP["beta1"] + 0.05}) < 1e-12
    assert_satisfies("nag.smooth", opt, runs=4, steps=100)  # an upper bound: its default setups, smaller


def test_from_torch_rows_of_one_tensor_give_each_run_its_own_bits():
    """Runs sharing their hyperparameters are rows of one tensor for a row-separable method: every such method
    gives the bits of one group per run, including when a per-run schedule parts a group mid-run (its state
    rows follow: Adam's moments, ASGD's average, Rprop's step sizes)."""
    torch = pytest.importorskip("torch")
    from convcheck.adapters import ROW_SEPARABLE, from_torch
    from convcheck.reference import schedules

    x0 = OBJ.initial_points(6, seed=2)
    lr = np.array([[0.01], [0.01], [0.03], [0.01], [0.03], [0.01]])
    # runs 0, 1, 3, 5 share lr = 0.01 at t = 0; the exponent q parts {0, 3} from {1, 5} after the first step
    parted = schedules.power(lr, np.array([[0.0], [0.5], [0.0], [0.0], [0.0], [0.5]]))
    for name in sorted(ROW_SEPARABLE):
        cls = getattr(torch.optim, name)
        for hp in ({"lr": lr}, {"lr": parted}):
            got, alone = (run(from_torch(cls, batched=b), OBJ, x0, 12, hp=hp, record=[0], checkpoints=range(13))
                          for b in (None, False))
            assert np.array_equal(got.iterates, alone.iterates), name
    with pytest.raises(ValueError, match="batched=True needs a row-separable"):
        from_torch(torch.optim.LBFGS, batched=True)


# --- optax ---

@pytest.fixture
def optax():
    jax = pytest.importorskip("jax")
    optax = pytest.importorskip("optax")
    jax.config.update("jax_enable_x64", True)
    return optax


def test_from_optax_adam_is_the_reference_adam_per_run(optax):
    from convcheck.adapters import from_optax

    opt = from_optax(optax.adam)
    assert opt.defaults == {"lr": None, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8, "xi_root": 0.0}
    assert same_run(opt, optimizers.get("adam"), ADAM_HP) < 1e-12
    assert_satisfies("adam.det", opt, runs=8, steps=200)
    assert assert_matches(opt, "adam") <= 1e-12
    assert assert_matches(from_optax(optax.adamw), "adamw") <= 1e-12


def test_from_optax_rmsprop_puts_eps_where_optax_does(optax):
    from convcheck.adapters import from_optax

    inside, outside = from_optax(optax.rmsprop), from_optax(optax.rmsprop, eps_in_sqrt=False)
    assert "xi_root" in inside.defaults and "xi" in outside.defaults and inside.defaults["beta2"] == 0.9
    hp = {k: ADAM_HP[k] for k in ("lr", "beta2")}
    assert same_run(inside, optimizers.get("rmsprop_root"), {**hp, "xi_root": ADAM_HP["xi"]}) < 1e-12
    assert same_run(outside, optimizers.get("rmsprop"), {**hp, "xi": ADAM_HP["xi"]}) < 1e-12


def test_from_optax_refuses_a_built_transformation(optax):
    from convcheck.adapters import from_optax

    with pytest.raises(ValueError, match=r"needs the factory \(optax.adam\), not a built transformation"):
        from_optax(optax.adam(1e-3))


def test_every_library_name_maps_to_glossary_hyperparameters():
    from convcheck import glossary

    for table in glossary.LIBRARY_NAMES.values():
        for target in table.values():
            assert set(target if isinstance(target, tuple) else (target,)) <= set(glossary.HYPERPARAMETERS)
