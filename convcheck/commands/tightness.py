"""tightness: a theorem's certified bound against the PEP worst case (convcheck.pep, the optional extra `pep`).

Which theorems: those PEP covers by algorithm, oracle, function class and measure (convcheck.pep_classes), a
property theorem through the rate its family states for it (families.as_bound); no list of ids.
"""
from __future__ import annotations

from convcheck import theory
from convcheck.theory.evaluate import evaluate, fmt

from .. import families
from ..cliargs import EXIT_FAILED, BadInput, parse_sets
from ..clifiles import atomic_file, plot_path
from ..pep_classes import MEASURES, class_for, uncovered
from ..texttable import table
from .common import emit, theorem

try:  # the optional extra `pep` (PEPit, Clarabel); without it the command refuses in one line
    from .. import pep
except ImportError:
    pep = None

DEFAULTS = {"L": "1", "Delta": "1", "mu": "1/10", "momentum": "1/2"}  # each used where the theorem has the name


def covered() -> list[str]:
    """The ids of the registered theorems PEP covers."""
    return [t.id for t in theory.theorems() if uncovered(families.as_bound(t)) is None]


def _horizons(spec: str) -> list[int]:
    try:
        Ns = [int(n) for n in spec.split(",")]
    except ValueError:
        raise BadInput(f"--N must be comma-separated positive integers, e.g. 1,2,5; got {spec!r}") from None
    if not Ns or min(Ns) < 1 or max(Ns) > 50:
        raise BadInput(f"--N values must be integers from 1 to 50 (an SDP of size ~N); got {spec!r}")
    return Ns


def rows(thm, hp: dict, Ns: list[int], evs: dict) -> list[dict]:
    """bound / W(N) per N for the bound ``thm`` at float hyperparameters ``hp``; evs: N -> its Evaluation."""
    cls, measure = class_for(thm.function_class), MEASURES[thm.rate.measure]
    out = []
    for N in Ns:
        worst = pep.worst_case(thm.algorithm, N, L=hp["L"], Delta=hp["Delta"], lr=hp["lr"],
                               mu=hp.get("momentum", 0.0), function_class=cls.name, measure=measure.name,
                               mu_pl=hp.get("mu"))
        bound = float(evs[N].rate)
        out.append({"N": N, "T": N + measure.horizon, "bound": bound, "pep": worst.value,
                    "ratio": bound / worst.value if worst.value > 0 else None, "tolerance": worst.tolerance,
                    "solver_accurate": worst.accurate, "sound": bound >= worst.value - worst.tolerance})
    return out


def plot(data: dict, path) -> None:
    """bound / W(N) against N."""
    from ..studies.common import pyplot

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    pts = [(r["N"], r["ratio"]) for r in data["rows"] if r["ratio"] is not None]
    ax.plot([n for n, _ in pts], [q for _, q in pts], "o-", label=data["theorem"])
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("N (steps)")
    ax.set_ylabel("certified bound / PEP worst case")
    ax.set_title(f"{data['theorem']} ({data['class']}, {'exact' if data['exact'] else 'relaxed'} PEP)", fontsize=9)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def cmd_tightness(args):
    thm = theorem(args.id)
    bound_thm = families.as_bound(thm)
    why = uncovered(bound_thm)
    if why is not None:
        raise BadInput(f"tightness has no PEP for {args.id!r}: {why}; it applies to {', '.join(covered())}")
    names = {q.name for q in (*thm.constants, *thm.hyperparameters)}
    values = {**{k: v for k, v in DEFAULTS.items() if k in names}, **parse_sets(args.set)}
    measure, cls = MEASURES[bound_thm.rate.measure], class_for(thm.function_class)
    Ns = _horizons(args.N)
    evs = {N: evaluate(bound_thm, values, T=N + measure.horizon) for N in Ns}  # inputs judged before any solve
    ev = next(iter(evs.values()))
    if not ev.applies:
        raise BadInput(f"{thm.id} does not apply: {ev.failed_condition}")
    path = plot_path(args.plot, "tightness.png") if args.plot is not None else None
    if pep is None or not pep.solver_installed():
        raise BadInput("tightness needs PEPit with the Clarabel solver: pip install 'convcheck[pep]'")
    hp = {k: float(v) for k, v in ev.values.items()}
    data = {"theorem": thm.id, "values": hp, "prescribed": list(ev.prescribed), "class": cls.function_class,
            "exact": cls.exact, "interpolation": cls.interpolation, "measure": measure.text,
            "rows": rows(bound_thm, hp, Ns, evs)}
    if path is not None:
        with atomic_file(path) as tmp:
            plot(data, tmp)
        data["plot"] = str(path)
    human = "\n".join([
        f"{thm.id}: certified bound vs PEP worst case of {measure.text}",
        f"  class {cls.function_class}: {'exact' if cls.exact else 'relaxed'} PEP ({cls.interpolation.split(':')[0]})",
        "  " + ", ".join(f"{k} = {fmt(v)}" + (" (prescribed)" if k in ev.prescribed else "")
                         for k, v in ev.values.items()),
        table([[r["N"], fmt(r["bound"]), fmt(r["pep"]), "-" if r["ratio"] is None else fmt(r["ratio"], 4),
                f"{r['tolerance']:.1e}" + ("" if r["solver_accurate"] else " *"),
                "yes" if r["sound"] else "NO: bound below PEP"] for r in data["rows"]],
              ["N", "bound", "PEP", "bound/PEP", "tolerance", "bound >= PEP"]),
        *(["* Clarabel flagged the solution as inaccurate; tolerance is |primal - dual| + 1e-8 relative"]
          if not all(r["solver_accurate"] for r in data["rows"]) else []),
        *([f"plot written to {path}"] if path is not None else [])])
    emit(args, human, data)
    return 0 if all(r["sound"] for r in data["rows"]) else EXIT_FAILED
