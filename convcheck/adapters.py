"""Adapters: a user's optimizer, written per run in NumPy, in torch.optim or in optax, as the project's
batched Optimizer (reference/optimizers/base.py), so that any helper can hold it to a theorem.

    from convcheck.adapters import from_optax, from_step, from_torch
    assert_satisfies("adam.det", from_torch(torch.optim.Adam), hp={"xi": 0.1, "beta1": 0.5, "beta2": 0.99})
    assert_satisfies("adam.det", from_optax(optax.adam), ...)      # the factory, not optax.adam(1e-3)

Hyperparameters are renamed to the glossary's through ``glossary.LIBRARY_NAMES``:

    torch:  lr -> lr, betas -> (beta1, beta2), eps -> xi, weight_decay, momentum, dampening;
            RMSprop's alpha -> beta2
    optax:  learning_rate -> lr, b1 -> beta1, b2 -> beta2, eps -> xi, eps_root -> xi_root, weight_decay,
            momentum; rmsprop's decay -> beta2 and its eps -> xi_root (eps_in_sqrt=True, optax's default)
            or xi (eps_in_sqrt=False)

Other arguments (amsgrad, nesterov, centered, ...) are fixed switches, given as keywords and recorded in the
Optimizer's ``convention``. A run is one parameter vector of shape (d,): torch keeps one param group per set
of hyperparameter values (the runs sharing them are rows of one tensor for a row-separable method, so each run
keeps its own hyperparameters), optax's update is vmapped over the runs (float64 needs
``jax.config.update("jax_enable_x64", True)``, which from_optax asks for rather than sets).

torch and jax/optax are optional (``pip install convcheck[torch]`` / ``[jax]``); they are imported by the
adapter that needs them, so convcheck itself runs without them.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping

import numpy as np

from convcheck.reference.optimizers import Optimizer

from .glossary import LIBRARY_NAMES


class Names:
    """One library's argument names <-> the glossary's: ``table`` maps an argument to a name or a tuple."""

    def __init__(self, table: Mapping[str, Any]):
        self.table = dict(table)

    def defaults(self, library_defaults: Mapping[str, Any]) -> tuple[dict, dict]:
        """(glossary hyperparameters with their defaults, fixed switches) from the library's defaults."""
        hp, fixed = {}, {}
        for arg, value in library_defaults.items():
            name = self.table.get(arg)
            if name is None:
                fixed[arg] = value
            elif isinstance(name, tuple):
                hp.update(zip(name, value if value is not None else (None,) * len(name)))
            else:
                hp[name] = value
        return hp, fixed

    def arguments(self, hp: Mapping[str, Any], run: int | None = None) -> dict:
        """The library's keywords for glossary values ``hp`` (scalars or (R, 1) columns; ``run`` picks one)."""
        out = {}
        for arg, name in self.table.items():
            names = name if isinstance(name, tuple) else (name,)
            if all(n in hp for n in names):
                values = tuple(_at(hp[n], run) for n in names)
                out[arg] = values if isinstance(name, tuple) else values[0]
        return out


def _at(value, run: int | None):
    """A scalar hyperparameter, or run ``run``'s entry of an (R, 1) column."""
    if run is None or np.ndim(value) == 0:
        return float(value)
    return float(np.asarray(value).reshape(-1)[run])


def _names(library: str, name: str) -> Names:
    return Names({**LIBRARY_NAMES[library], **LIBRARY_NAMES.get(f"{library}.{name}", {})})


def _library_names() -> dict:
    """Every library argument name with a glossary meaning (for from_step's keywords)."""
    table: dict = {}
    for lib in ("torch", "optax"):
        table.update(LIBRARY_NAMES[lib])
    return table


# --- a per-run NumPy step ---

def from_step(step: Callable, init: Callable | None = None, name: str | None = None) -> Optimizer:
    """A user's per-run NumPy optimizer as a batched Optimizer.

    ``step(state, g, t, **hp) -> state``: one run; ``state`` is a dict of arrays with ``state["x"]`` the
    iterate of shape (d,), ``g`` the oracle's answer (d,), t = 0, 1, ... The hyperparameters are step's
    keyword parameters after (state, g, t), named as the glossary or as torch/optax name them (lr, eps,
    betas, learning_rate, b1, ...); one without a default is required. ``init(x0) -> state`` (default:
    {"x": x0}). The state entries are stacked over the runs, so the Optimizer stays pure."""
    params = list(inspect.signature(step).parameters.values())[3:]
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        raise ValueError("from_step: name each hyperparameter as a keyword of step (no *args/**kwargs), "
                         "so that the theorem's can be matched to them")
    aliases = _library_names()
    names = Names({p.name: aliases.get(p.name, p.name) for p in params})
    hp_defaults, _ = names.defaults({p.name: None if p.default is p.empty else p.default for p in params})
    first = init or (lambda x0: {"x": x0})

    def batched_init(x0, hp):
        return _stack([first(np.array(row)) for row in x0])

    def batched_step(state, g, hp, t):
        rows = [step({k: v[r] for k, v in state.items()}, g[r], t, **names.arguments(hp, r))
                for r in range(g.shape[0])]
        return _stack(rows)

    return Optimizer(name or getattr(step, "__name__", "step"), batched_init, batched_step, hp_defaults,
                     {"adapter": "from_step"})


def _stack(rows: list[dict]) -> dict:
    keys = set(rows[0])
    if "x" not in keys or any(set(r) != keys for r in rows):
        raise ValueError(f"from_step: every state needs the same entries, among them 'x'; got {sorted(keys)}")
    return {k: np.stack([np.asarray(r[k], dtype=float) for r in rows]) for k in keys}


# --- torch.optim ---

# torch.optim's methods whose update acts on each coordinate alone (no norm, factorisation or line search over a
# tensor): runs that share their hyperparameters can be rows of one (k, d) tensor in one param group, and each run
# gets the bits it gets alone (tests/test_adapters.py compares the two); the others keep one group per run.
ROW_SEPARABLE = frozenset({"SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad", "Adadelta",
                           "ASGD", "Rprop"})


def from_torch(optimizer_class, *, batched: bool | None = None, **switches) -> Optimizer:
    """``torch.optim.X`` (the class) as a batched Optimizer: each run is its own float64 parameter rows, and each
    param group holds the runs that share their hyperparameters, as one (k, d) tensor when X is row-separable
    (``ROW_SEPARABLE``; ``batched=False`` forces one group per run, as for any other X). A group whose runs'
    hyperparameters part (a per-run schedule) is split, its state rows with it. ``switches`` fix X's other
    arguments (amsgrad=True, nesterov=True, ...) or, under torch's names, the default of a hyperparameter (eps=1e-6)."""
    import torch  # optional dependency: only this adapter needs it

    cls_name = optimizer_class.__name__
    names = _names("torch", cls_name)
    probe = torch.zeros(1, dtype=torch.float64)
    library_defaults = {**optimizer_class([probe], **_with_lr(optimizer_class, switches)).defaults, **switches}
    hp_defaults, fixed = names.defaults(library_defaults)
    # only what the constructor takes (AdamW's defaults hold Adam's decoupled_weight_decay, its __init__ not)
    takes = inspect.signature(optimizer_class).parameters
    fixed = {k: v for k, v in fixed.items() if k in takes or k in switches}
    if batched and cls_name not in ROW_SEPARABLE:
        raise ValueError(f"from_torch: batched=True needs a row-separable torch.optim method "
                         f"({', '.join(sorted(ROW_SEPARABLE))}); {cls_name} is not known to be one")
    rows_together = cls_name in ROW_SEPARABLE if batched is None else batched

    def init(x0, hp):
        x0 = np.array(x0, dtype=float)
        runs = _by_arguments(names, hp, x0.shape[0]) if rows_together else [np.array([r]) for r in range(len(x0))]
        groups = [{"params": [torch.tensor(x0[rows], dtype=torch.float64)], **names.arguments(hp, int(rows[0]))}
                  for rows in runs]
        # run 0's values as the constructor's defaults too: torch validates those (SGD's nesterov needs momentum)
        opt = optimizer_class(groups, **fixed, **names.arguments(hp, 0))
        return {"x": x0, "torch": opt, "torch_rows": runs}

    def step(state, g, hp, t):
        opt, runs = state["torch"], list(state["torch_rows"])
        for i in range(len(runs) - 1, -1, -1):
            if not _shared(hp, runs[i]):  # a per-run schedule parts this group from now on
                runs[i:i + 1] = _split(opt, i, runs[i], _by_arguments(names, hp, runs[i]))
        x = np.empty_like(state["x"])
        for rows, group in zip(runs, opt.param_groups):
            group.update(names.arguments(hp, int(rows[0])))  # a schedule's value at t
            group["params"][0].grad = torch.from_numpy(np.array(g[rows], dtype=float))
        opt.step()
        for rows, group in zip(runs, opt.param_groups):
            x[rows] = group["params"][0].detach().numpy()
        return {"x": x, "torch": opt, "torch_rows": runs}

    return Optimizer(f"torch.optim.{cls_name}", init, step, hp_defaults,
                     {"adapter": "from_torch", **fixed, **({"batched": False} if not rows_together else {})})


def _by_arguments(names: Names, hp, rows) -> list[np.ndarray]:
    """``rows`` (a count or an index array) parted by their library keywords, in order of first appearance."""
    parts: dict = {}
    for r in (range(rows) if isinstance(rows, int) else rows):
        parts.setdefault(tuple(sorted(names.arguments(hp, int(r)).items())), []).append(int(r))
    return [np.array(p) for p in parts.values()]


def _shared(hp, rows: np.ndarray) -> bool:
    """Whether the runs ``rows`` have the same value of every hyperparameter (scalars or (R, 1) columns)."""
    return all(np.ndim(v) == 0 or np.all(np.asarray(v).reshape(-1)[rows] == np.asarray(v).reshape(-1)[rows[0]])
               for v in hp.values())


def _split(opt, i: int, rows: np.ndarray, parts: list[np.ndarray]) -> list[np.ndarray]:
    """Param group ``i`` (holding ``rows``) replaced by one group per part, each with its rows of the state:
    per-coordinate state (shaped like the parameter) is sliced, per-tensor state (a step count) copied."""
    group = opt.param_groups.pop(i)
    p = group["params"][0]
    old = opt.state.pop(p, {})
    position = {int(r): k for k, r in enumerate(rows)}
    for part in parts:
        idx = [position[int(r)] for r in part]
        q = p.detach()[idx].clone()
        opt.add_param_group({**{k: v for k, v in group.items() if k != "params"}, "params": [q]})
        opt.param_groups.insert(i, opt.param_groups.pop())  # keep the groups in the runs' order
        i += 1
        opt.state[q] = {k: _rows_of(v, p, idx) for k, v in old.items()}
    return parts


def _rows_of(value, param, idx):
    """A state entry's share for the runs ``idx``: rows of a per-coordinate tensor, a copy of a per-tensor one."""
    if not hasattr(value, "shape"):
        return value
    if tuple(value.shape) == tuple(param.shape):
        return value[idx].clone()
    if value.dim() == 0:
        return value.clone()
    raise ValueError(f"from_torch: cannot split a state entry of shape {tuple(value.shape)} by runs")


def _with_lr(optimizer_class, switches: dict) -> dict:
    """torch optimizers whose lr has no default still need one to be built for their defaults."""
    lr = inspect.signature(optimizer_class).parameters.get("lr")
    if lr is not None and lr.default is inspect.Parameter.empty and "lr" not in switches:
        return {**switches, "lr": 1e-3}
    return switches


# --- optax ---

def from_optax(factory, **switches) -> Optimizer:
    """An optax factory (``optax.adam``, not ``optax.adam(1e-3)``: the theorem sets the hyperparameters) as
    a batched Optimizer, through ``optax.inject_hyperparams`` and ``jax.vmap`` over the runs. ``switches``
    fix the factory's other arguments (nesterov=True, eps_in_sqrt=False, ...) or a default under optax's
    name (learning_rate=1e-2)."""
    import jax  # optional dependencies: only this adapter needs them
    import jax.numpy as jnp
    import optax

    if not callable(factory) or isinstance(factory, optax.GradientTransformation):
        raise ValueError("from_optax needs the factory (optax.adam), not a built transformation "
                         "(optax.adam(1e-3)): its hyperparameters are fixed inside it, and a theorem must set them")
    if not jax.config.jax_enable_x64:
        raise ValueError("from_optax runs in float64, as every check does: call "
                         "jax.config.update('jax_enable_x64', True) first")
    fn_name = factory.__name__
    table = dict(_names("optax", fn_name).table)
    if fn_name == "rmsprop" and switches.get("eps_in_sqrt") is False:
        table["eps"] = "xi"  # the shift moves outside the root
    names = Names(table)
    sig = inspect.signature(factory).parameters
    # a hyperparameter that defaults to None is off (optax.sgd's momentum): 0 here, the same update
    library_defaults = {k: (None if p.default is p.empty else 0.0 if p.default is None and k in table else p.default)
                        for k, p in sig.items()}
    library_defaults.update(switches)
    hp_defaults, fixed = names.defaults(library_defaults)
    injected = {arg: 0.0 for arg in names.table if arg in sig}  # numeric placeholders, overwritten per run
    tx = optax.inject_hyperparams(factory)(**injected, **{k: v for k, v in fixed.items()
                                                          if v is not None and k in switches})
    update = jax.jit(jax.vmap(tx.update))

    def with_hp(opt_state, hp, runs):
        """Each injected hyperparameter as a (runs,) vector: vmap hands run r its own value."""
        given = {arg: jnp.broadcast_to(jnp.asarray(np.asarray(hp[name], dtype=float).reshape(-1)), (runs,))
                 for arg, name in names.table.items() if arg in injected and name in hp}
        return opt_state._replace(hyperparams={**opt_state.hyperparams, **given})

    def init(x0, hp):
        X = jnp.asarray(np.asarray(x0, dtype=float))
        return {"x": np.array(x0, dtype=float), "optax": with_hp(jax.vmap(tx.init)(X), hp, X.shape[0])}

    def step(state, g, hp, t):
        X = jnp.asarray(state["x"])
        updates, opt_state = update(jnp.asarray(g), with_hp(state["optax"], hp, X.shape[0]), X)
        return {"x": np.asarray(optax.apply_updates(X, updates)), "optax": opt_state}

    return Optimizer(f"optax.{fn_name}", init, step, hp_defaults, {"adapter": "from_optax", **fixed})
