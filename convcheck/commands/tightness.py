"""tightness: a theorem's certified bound against the PEP worst case (convcheck.pep, the optional extra `pep`)."""
from __future__ import annotations

from convcheck.theory.evaluate import evaluate, fmt

from ..cliargs import EXIT_FAILED, BadInput, parse_sets
from ..texttable import table
from .common import emit, theorem

try:  # the optional extra `pep` (PEPit, Clarabel); without it the command refuses in one line
    from .. import pep
except ImportError:
    pep = None

# the theorems whose measure is PEP's: min_{0<=t<T} ||grad f(x_t)||^2, exact gradients, L-smooth, f(x_0) - f* <= Delta
THEOREMS = ("gd.smooth", "heavy_ball.smooth", "nag.smooth")
DEFAULTS = {"L": "1", "Delta": "1"}
DEFAULT_MOMENTUM = "1/2"


def _horizons(spec: str) -> list[int]:
    try:
        Ns = [int(n) for n in spec.split(",")]
    except ValueError:
        raise BadInput(f"--N must be comma-separated positive integers, e.g. 1,2,5; got {spec!r}") from None
    if not Ns or min(Ns) < 1 or max(Ns) > 50:
        raise BadInput(f"--N values must be integers from 1 to 50 (an SDP of size ~N); got {spec!r}")
    return Ns


def cmd_tightness(args):
    if args.id not in THEOREMS:
        raise BadInput(f"tightness has no PEP for {args.id!r}; it applies to {', '.join(THEOREMS)}")
    thm = theorem(args.id)
    values = {**DEFAULTS, **({"momentum": DEFAULT_MOMENTUM} if any(q.name == "momentum" for q in
                                                                    thm.hyperparameters) else {}),
              **parse_sets(args.set)}
    # PEP's N steps see g_0..g_N: the theorem's min_{0<=t<T} with T = N + 1 (inputs judged before any solve)
    evs = {N: evaluate(thm, values, T=N + 1) for N in _horizons(args.N)}
    ev = next(iter(evs.values()))
    if not ev.applies:
        raise BadInput(f"{thm.id} does not apply: {ev.failed_condition}")
    if pep is None or not pep.solver_installed():
        raise BadInput("tightness needs PEPit with the Clarabel solver: pip install 'convcheck[pep]'")
    hp = {k: float(v) for k, v in ev.values.items()}
    rows = []
    for N, ev_N in evs.items():
        worst = pep.worst_case(thm.algorithm, N, L=hp["L"], Delta=hp["Delta"], lr=hp["lr"], mu=hp.get("momentum", 0.0))
        bound = float(ev_N.rate)
        rows.append({"N": N, "T": N + 1, "bound": bound, "pep": worst.value, "ratio": bound / worst.value,
                     "tolerance": worst.tolerance, "solver_accurate": worst.accurate,
                     "sound": bound >= worst.value - worst.tolerance})
    data = {"theorem": thm.id, "values": {k: float(v) for k, v in ev.values.items()}, "prescribed": list(ev.prescribed),
            "measure": "min_{0<=t<=N} ||grad f(x_t)||^2 (the theorem's rate at T = N + 1)", "rows": rows}
    human = "\n".join([
        f"{thm.id}: certified bound vs PEP worst case of min_{{0<=t<=N}} ||grad f(x_t)||^2 (bound at T = N + 1)",
        "  " + ", ".join(f"{k} = {fmt(v)}" + (" (prescribed)" if k in ev.prescribed else "")
                         for k, v in ev.values.items()),
        table([[r["N"], fmt(r["bound"]), fmt(r["pep"]), fmt(r["ratio"], 4),
                f"{r['tolerance']:.1e}" + ("" if r["solver_accurate"] else " *"),
                "yes" if r["sound"] else "NO: bound below PEP"] for r in rows],
              ["N", "bound", "PEP", "bound/PEP", "tolerance", "bound >= PEP"]),
        *(["* Clarabel flagged the solution as inaccurate; tolerance is |primal - dual| + 1e-8 relative"]
          if not all(r["solver_accurate"] for r in rows) else [])])
    emit(args, human, data)
    return 0 if all(r["sound"] for r in rows) else EXIT_FAILED
