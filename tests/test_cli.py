"""The command line end to end: through a subprocess as a user runs it, and in-process (cli_support.call)
where only the answer matters."""
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from cli_support import call, strict_json
from convcheck import jsonout, theory
from convcheck.theory.evaluate import fmt


def cli(*args, check_rc=None):
    """The command's result as subprocess.run would give it, run in-process (the same main, faster)."""
    rc, out, err = call(*args)
    if check_rc is not None:
        assert rc == check_rc, out + err
    return subprocess.CompletedProcess(["convcheck", *args], rc, out, err)


def test_bound_answers_4000():
    p = cli("bound", "gd.smooth", "--set", "L=2", "--set", "Delta=10", "--eps", "0.1", check_rc=0)
    assert "T(eps = 0.1) = 4000 steps" in p.stdout


def test_bound_json_has_the_contract_keys():
    p = cli("bound", "gd.smooth", "--set", "L=2", "--set", "Delta=10", "--eps", "0.1", "--T", "100", "--json",
            check_rc=0)
    d = json.loads(p.stdout)
    assert d["theorem"] == "gd.smooth" and d["complexity"] == 4000 and d["applies"] is True
    assert d["rate"] == pytest.approx(0.4)


def test_huge_bound_prints_as_a_number():
    p = cli("bound", "gd.smooth", "--set", "L=2", "--set", "Delta=1e30", "--eps", "1e-5", check_rc=0)
    assert "4.0e+40" in p.stdout and "inf" not in p.stdout


@pytest.mark.parametrize("args, message", [
    (("bound", "gd.smooth", "--set", "L=-2", "--set", "Delta=10"), "L must be > 0"),
    (("bound", "nope.theorem"), "unknown theorem 'nope.theorem'"),
    (("bound", "gd.smooth", "--set", "L2"), "malformed --set 'L2'"),
    (("bound", "gd.smooth", "--set", "L=2"), "needs Delta"),
    (("bound", "gd.smooth", "--set", "L=2", "--set", "Delta=10", "--eps", "-1"), "eps must be > 0"),
    (("check", "gd.smooth", "--objective", "nope"), "unknown objective"),
    (("check", "gd.smooth", "--runs", "0"), "argument --runs: invalid positive integer value"),
    (("compare", "--set", "lr=0.1"), "OPTIMIZER.NAME=VALUE"),
    (("mutate", "gd.smooth", "--samples", "-5"), "--samples must be in 100.."),
    (("mutate", "gd.smooth", "--all"), "not both"),
])
def test_bad_input_is_one_clear_line_and_exit_2(args, message):
    p = cli(*args, check_rc=2)
    assert message in p.stderr and "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_step_too_large_does_not_apply_and_names_the_condition():
    p = cli("bound", "gd.smooth", "--set", "L=2", "--set", "Delta=10", "--set", "lr=1", check_rc=0)
    assert "does not apply" in p.stdout and "lr < 2/L" in p.stdout
    d = json.loads(cli("bound", "gd.smooth", "--set", "L=2", "--set", "Delta=10", "--set", "lr=1.5", "--json").stdout)
    assert d["applies"] is False and "lr < 2/L" in d["failed_condition"]


def test_bound_sweep_rows():
    p = cli("bound", "gd.smooth", "--set", "Delta=10", "--eps", "0.1", "--sweep", "L=1:4:4", "--json", check_rc=0)
    assert [r["complexity"] for r in json.loads(p.stdout)] == [2000, 4000, 6000, 8000]


def test_bound_sweeps_a_product_grid_with_eps_and_summarises_a_long_one():
    rows = json.loads(cli("bound", "gd.smooth", "--set", "Delta=10", "--sweep", "L=1:2:2", "--sweep", "eps=0.1:0.2:2",
                          "--sweep", "lr=0.5:1.5:2", "--json", check_rc=0).stdout)
    assert [(r["L"], r["eps"], r["lr"], r["applies"]) for r in rows][:4] == \
        [(1, 0.1, 0.5, True), (1, 0.1, 1.5, True), (1, 0.2, 0.5, True), (1, 0.2, 1.5, True)]
    assert [r.get("failed_condition") for r in rows[4:]] == [None, "lr < 2/L", None, "lr < 2/L"]
    text = cli("bound", "gd.smooth", "--set", "Delta=10", "--T", "100", "--sweep", "L=1:4:100", "--sweep", "lr=0.01:2:100",
               check_rc=0).stdout
    assert "over 10000 points" in text and "condition lr < 2/L fails at" in text


def test_list_show_certify():
    assert "gd.smooth.pep" in cli("list", check_rc=0).stdout
    assert [t["id"] for t in json.loads(cli("list", "--oracle", "bounded_variance", "--json").stdout)] == \
        ["adam.sqrt_scaling", "adam.svag", "lower.stoch", "rmsprop.sde", "rmsprop.sqrt_scaling",
         "sgd.is", "sgd.smooth", "sgd_momentum.smooth", "sgd_momentum.smooth.ema"]
    show = cli("show", "gd.smooth", check_rc=0).stdout
    assert "matches the lower bound lower.det" in show and "1.5x" in show and "[derived]" in show
    # show lists the premises the theorem rests on, and says which are axioms
    premises = show[show.index(" premises:"):].splitlines()
    assert any(line.split()[:1] == ["lsmooth.descent"] and "(axiom" in line for line in premises), premises
    assert "rate from the one-step inequality" in show  # the links that bind the stated rate
    cert = cli("certify", "gd.smooth", "--json", check_rc=0)
    assert json.loads(cert.stdout)[0]["level"] == "symbolic"


def test_check_one_theorem_on_a_user_problem():
    p = cli("check", "gd.smooth", "--objective", "cosine_sum", "--param", "d=4", "--runs", "4", "--steps", "100",
            "--set", "lr=0.2", "--json", check_rc=0)
    d = json.loads(p.stdout)
    assert d["verdict"] == "holds" and d["certificate"] == "symbolic"


@pytest.mark.end_to_end
def test_certify_all_certifies_every_theorem_in_order_across_processes():
    p = cli("certify", "--all", "--json", check_rc=0)
    certs = strict_json(p.stdout)
    assert [c["theorem"] for c in certs] == [t.id for t in theory.theorems()]
    assert all(c["ok"] for c in certs)


@pytest.mark.end_to_end
def test_check_with_no_id_holds_for_every_baseline():
    p = cli("check", "--json", check_rc=0)
    rows = {r["theorem"]: r for r in json.loads(p.stdout)}
    assert set(rows) == {t.id for t in theory.theorems()}
    assert all(r["verdict"] == "holds" for r in rows.values())
    # the derived (L0,L1), RMSProp and INNA/DIN theorems are certified symbolically end to end (claims included)
    for tid in ("l0l1.descent", "clipped_gd.l0l1", "clip_momentum.l0l1", "normalized_gd.l0l1", "gd.l0l1.upper",
                "clipped_sgd.l0l1", "rmsprop.det", "rmsprop.stoch", "inna.stepsize", "din.energy", "inna.d_critical"):
        assert rows[tid]["certificate"] == "symbolic", (tid, rows[tid]["certificate"])


def test_compare_writes_a_plot_and_draws_gd_bounds(tmp_path):
    out = tmp_path / "c.png"
    p = cli("compare", "--steps", "60", "--seeds", "4", "--plot", str(out), "--json", check_rc=0)
    d = json.loads(p.stdout)
    assert out.stat().st_size > 10_000
    assert {r["label"]: r["bounds"] for r in d["rows"]}["gd"] == ["gd.smooth", "gd.smooth.pep"]


def test_run_json_reports_divergence_per_run():
    p = cli("run", "--objective", "quadratic", "--set", "lr=10", "--steps", "200", "--runs", "3", "--json", check_rc=0)
    assert all(s >= 0 for s in json.loads(p.stdout)["diverged_at"])


def test_compare_two_settings_of_one_optimizer(tmp_path):
    p = cli("compare", "--optimizers", "gd,slow=gd", "--set", "slow.lr=0.01", "--steps", "40", "--seeds", "3",
            "--plot", str(tmp_path / "s.png"), "--json", check_rc=0)
    rows = {r["label"]: r for r in json.loads(p.stdout)["rows"]}
    assert rows["slow"]["hp"] == {"lr": 0.01} and rows["gd"]["hp"]["lr"] != 0.01
    assert rows["slow"]["median_min_grad_sq"] > rows["gd"]["median_min_grad_sq"]
    assert cli("compare", "--optimizers", "gd,gd", check_rc=2).stderr.count("repeated label") == 1


# ---------------------------------------------------------------------------------------------
# the command line ignores nothing: each option takes effect or is refused in one line naming it


@pytest.mark.parametrize("args, names", [
    (("check", "gd.smooth", "--set", "L=-5"), "--set L: L is a constant"),
    (("check", "gd.smooth", "--set", "Delta=0.001"), "--set Delta: Delta is a constant"),
    (("check", "gd.smooth", "--set", "foo=1"), "--set foo: gd.smooth has no hyperparameter 'foo'"),
    (("check", "gd.smooth", "--param", "d=3"), "--param has no effect without --objective"),
    (("check", "gd.smooth", "--sigma", "1"), "--sigma has no effect without --oracle"),
    (("check", "gd.smooth", "--jobs", "2"), "--jobs has no effect"),
    (("check", "gd.smooth", "--level", "0.9"), "--level has no effect for gd.smooth"),
    (("check", "lower.det", "--seed", "1"), "--seed has no effect for lower.det"),
    (("check", "inna.stepsize", "--seed", "1"), "--seed has no effect for inna.stepsize"),
    (("check", "--objective", "quadratic"), "--objective has no effect without a theorem id"),
    (("check", ""), "argument id"),
    (("certify", ""), "argument id"),
    (("compare", "--eps", "-1"), "argument --eps"),
    (("compare", "--eps", "nan"), "argument --eps"),
    (("compare", "--plot", ""), "--plot needs a file name"),
    (("compare", "--plot", "/no/such/folder/c.png"), "--plot /no/such/folder/c.png: folder"),
    (("compare", "--plot", "c.txt"), "--plot c.txt: the extension"),
    (("compare", "--optimizers", ",,,"), "--optimizers ',,,' names no optimizer"),
    (("compare", "--optimizers", "gd,,nag"), "--optimizers 'gd,,nag' has an empty entry"),
    (("compare", "--optimizers", "gd,adamm"), "--optimizers adamm: unknown optimizer 'adamm'"),
    (("compare", "--set", "gd.foo=1"), "--set gd.foo: optimizer gd has no hyperparameter 'foo'"),
    (("compare", "--objective", "autoencoder"), "--set gd.lr=VALUE is needed: autoencoder publishes no L"),
    (("compare", "--objective", "autoencoder", "--optimizers", "nag", "--set", "nag.momentum=0.5"),
     "--set nag.lr=VALUE is needed"),
    (("run", "--optimizer", "clipped_gd", "--set", "lr=0.1"), "--set clip=VALUE is needed"),
    (("run", "--sigma", "2"), "--sigma has no effect with the exact oracle"),
    (("run", "--oracle", "gaussian", "--sigma", "-1"), "sigma must be a finite number >= 0; got -1"),
    (("run", "--oracle", "gaussian", "--sigma", "nan"), "argument --sigma"),
    (("check", "rmsprop.det", "--set", "momentum=-1"), "momentum must lie in [0, 1)"),
    (("run", "--oracle", "gaussian", "--batch", "2"), "--batch has no effect with the gaussian oracle"),
    (("run", "--set", "foo=1"), "--set foo: optimizer gd has no hyperparameter"),
    (("run", "--seed", "-1"), "argument --seed"),
    (("run", "--runs", "1000000000"), "--runs 1000000000:"),
    (("run", "--steps", "1000000000"), "--steps 1000000000:"),
    (("run", "--param", "d=100000000"), "--param d=100000000:"),
    (("check", "gd.smooth", "--runs", "100000000"), "--runs 100000000:"),
    (("compare", "--seeds", "100000000"), "--seeds 100000000:"),
    (("bound", "gd.smooth", "--set", "Delta=1", "--sweep", "L=1:10:100000", "--sweep", "lr=0.1:1:1000"),
     "--sweep grid has 1e+08 points; at most 1e+07"),
    (("bound", "gd.smooth", "--set", "Delta=1", "--sweep", "L=1:2:3", "--sweep", "L=1:2:3"), "--sweep L given twice"),
    (("bound", "gd.smooth", "--set", "Delta=1", "--eps", "0.1", "--sweep", "eps=0.1:1:3"), "--sweep eps and --eps both given"),
    (("mutate", "gd.smooth", "--samples", "100000000"), "--samples must be in 100..1000000"),
    (("list", "--algorithm", "nope"), "--algorithm: no theorem has algorithm 'nope'"),
])
def test_every_option_takes_effect_or_is_refused_naming_it(args, names, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t0 = time.perf_counter()
    rc, out, err = call(*args)
    assert rc == 2 and out == "", (rc, out, err)
    assert names in err and len(err.strip().splitlines()) == 1, err
    assert time.perf_counter() - t0 < 5  # caps are checked before any work starts
    assert not list(tmp_path.iterdir())  # nothing written


def _run_json(*args):
    rc, out, err = call(*args, "--json")
    assert rc == 0, err
    return strict_json(out)


def test_seed_takes_effect_in_check_and_run():
    def tightness(seed):
        d = _run_json("check", "gd.smooth", "--runs", "4", "--steps", "60", "--seed", seed)
        assert all(f"{4} runs x 60 steps" in s["setup"] for s in d["setups"]) and len(d["setups"]) == 3
        return [s["tightness"] for s in d["setups"]]

    assert tightness(1) == tightness(1) != tightness(2)
    median = [_run_json("run", "--runs", "3", "--steps", "20", "--seed", s)["median_f"] for s in (1, 1, 2)]
    assert median[0] == median[1] != median[2]


def test_check_set_takes_the_theorems_hyperparameter():
    d = _run_json("check", "gd.smooth", "--runs", "3", "--steps", "30", "--set", "lr=0.05")
    assert all("lr=0.05" in s["setup"] for s in d["setups"]) and d["verdict"] == "holds"


def test_run_says_its_step_when_the_objective_has_no_L_and_compare_asks_for_it():
    d = _run_json("run", "--objective", "autoencoder", "--optimizer", "nag", "--steps", "3", "--runs", "2")
    assert d["hyperparameters"]["lr"] == 0.01 and "autoencoder publishes no L" in d["notes"][0]
    rc, _, err = call("compare", "--objective", "autoencoder", "--optimizers", "heavy_ball,nag",
                      "--set", "heavy_ball.lr=0.01")
    assert rc == 2 and "--set nag.lr=VALUE is needed" in err


def test_plot_into_a_folder_reports_the_file_and_leaves_no_partial(tmp_path):
    d = _run_json("compare", "--steps", "20", "--seeds", "2", "--optimizers", "gd", "--plot", tmp_path)
    assert d["plot"] == str(tmp_path / "compare.png") and (tmp_path / "compare.png").stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["compare.png"]
    rc, out, _ = call("run", "--steps", "20", "--runs", "2", "--plot", tmp_path / "r.svg")
    assert rc == 0 and f"plot written to {tmp_path / 'r.svg'}" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compare.png", "r.svg"]


# ---------------------------------------------------------------------------------------------
# strict JSON and one number formatter


def test_diverged_runs_are_null_with_a_status_in_strict_json():
    d = _run_json("run", "--objective", "quadratic", "--set", "lr=10", "--steps", "200", "--runs", "3")
    assert all(s >= 0 for s in d["diverged_at"])
    assert None in d["median_f"] and d["median_f_status"][d["median_f"].index(None)] in ("nan", "infinite")


def test_a_bound_beyond_float64_is_null_with_its_decimal_text():
    d = _run_json("bound", "gd.smooth", "--set", "L=2", "--set", "Delta=1e300", "--eps", "1e-300")
    assert d["complexity"] is None and d["complexity_status"] == "overflow"
    assert d["complexity_str"].startswith("4.0") and d["complexity_str"].endswith("e+900")
    rc, out, _ = call("bound", "gd.smooth", "--set", "L=2", "--set", "Delta=1e300", "--eps", "1e-300")
    assert rc == 0 and "= 4.0e+900 steps" in out


def test_the_encoder_writes_every_kind_of_number_strictly():
    import mpmath
    import numpy as np
    import sympy as sp

    data = {"nan": np.float64("nan"), "inf": float("inf"), "ninf": -np.inf, "arr": np.array([1.0, np.nan]),
            "big": sp.Integer(10) ** 400, "bigf": mpmath.mpf("1e400"), "tiny": mpmath.mpf("1e-400"),
            "zoo": sp.zoo, "third": sp.Rational(1, 3), "i": np.int64(7), "nested": [{"x": sp.oo}]}
    d = strict_json(jsonout.dumps(data))
    assert [d[k] for k in ("nan", "inf", "ninf", "big", "bigf", "zoo")] == [None] * 6
    assert [d[k + "_status"] for k in ("nan", "inf", "ninf", "big", "bigf", "zoo", "tiny")] == \
        ["nan", "infinite", "-infinite", "overflow", "overflow", "undefined", "underflow"]
    assert d["arr"] == [1.0, None] and d["arr_status"] == [None, "nan"]
    assert d["big_str"].startswith("1.0000000000000000e+400") and d["bigf_str"] == "1.0e+400"
    assert d["third"] == pytest.approx(1 / 3) and d["i"] == 7 and d["nested"] == [{"x": None, "x_status": "infinite"}]
    assert strict_json(jsonout.dumps([1.0, np.nan])) == {"value": [1.0, None], "value_status": [None, "nan"]}


def test_one_formatter_prints_huge_bounds_as_numbers():
    import sympy as sp

    assert fmt(sp.Integer(4) * sp.Integer(10) ** 40) == "4.0e+40" and fmt(sp.Integer(4000)) == "4000"
    assert float(fmt(sp.Rational(12, 10) * sp.Integer(10) ** 40)) == 1.2e40


# ---------------------------------------------------------------------------------------------
# start-up, progress, Ctrl-C


def test_help_and_parsing_import_no_numeric_library():
    code = ("import sys; from convcheck.cli import main\n"
            "try: main(['--help'])\nexcept SystemExit: pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'sympy', 'mpmath', 'scipy'}))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.stdout.strip().splitlines()[-1] == "[]", p.stdout + p.stderr


def test_list_reads_its_index_from_a_cache_that_tracks_the_theory(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVCHECK_CACHE_DIR", str(tmp_path))
    rows = _run_json("list")
    assert [r["id"] for r in rows] == [t.id for t in theory.theorems()]
    assert [r["title"] for r in rows] == [t.title for t in theory.theorems()]
    (cache,) = tmp_path.iterdir()
    code = ("import sys; from convcheck.cli import main; main(['list', '--json']); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'sympy', 'mpmath'}))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "CONVCHECK_CACHE_DIR": str(tmp_path)})
    assert p.stdout.strip().splitlines()[-1] == "[]", p.stdout[-300:] + p.stderr  # a cache hit: no SymPy
    cache.write_text("not json")  # a damaged cache is rebuilt, not believed
    assert [r["id"] for r in _run_json("list")] == [t.id for t in theory.theorems()]
    from convcheck.commands import listing

    monkeypatch.setattr(listing, "_sources_hash", lambda: "edited")  # an edit to theory/: a new key, rebuilt
    assert _run_json("list") == rows and (tmp_path / "theorems-edited.json").exists()


class _Terminal:  # stderr as a terminal: tqdm draws there
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass

    def isatty(self):
        return True


def _on_a_terminal(monkeypatch, *args) -> str:
    """What the command draws on stderr when stderr is a terminal, drawn from the start (2 s otherwise)."""
    from convcheck import progress
    from convcheck.cli import main

    monkeypatch.setattr(progress, "DELAY", 0)
    terminal = _Terminal()
    with open(os.devnull, "w") as devnull, monkeypatch.context() as m:
        m.setattr(sys, "stderr", terminal)
        m.setattr(sys, "stdout", devnull)
        assert main(list(args)) == 0
    return terminal.text


def test_progress_only_on_a_terminal(monkeypatch):
    args = ("mutate", "gd.smooth", "--samples", "100")
    rc, _, err = call(*args)
    assert rc == 0 and err == ""
    drawn = _on_a_terminal(monkeypatch, *args)
    assert "mutating" in drawn and "theorem" in drawn
    from convcheck import progress

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress.working("certifying x"):  # one long step (a certificate) says what it is doing
        time.sleep(0.7)
    assert re.search(r"certifying x \.\.\. \ds", terminal.text), terminal.text


def test_certify_all_counts_function_classes_and_says_so(monkeypatch):
    """certify --all hands a worker one function class at a time, so its bar counts classes, not theorems:
    two theorems of one class are one step of one."""
    smooth = [theory.get("gd.smooth"), theory.get("sgd.smooth")]
    assert smooth[0].function_class == smooth[1].function_class
    monkeypatch.setattr(theory, "theorems", lambda: smooth)
    drawn = _on_a_terminal(monkeypatch, "certify", "--all")
    assert re.search(r"certifying: .*0/1 .*function class/s", drawn), drawn
    assert "theorem" not in drawn


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # pytest-xdist workers ignore SIGINT, and children inherit it


def _interrupt(args, after, cwd=None):
    p = subprocess.Popen([sys.executable, "-m", "convcheck", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=cwd, env={**os.environ, "PYTHONPATH": os.getcwd()},
                         preexec_fn=_default_sigint, start_new_session=True)
    time.sleep(after)
    p.send_signal(signal.SIGINT)
    # communicate waits for EOF on the pipes, which worker processes inherit: it returns only once every
    # worker has ended, so a hung worker fails the test here (and is killed with its session)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        raise
    return p.returncode, out, err


@pytest.mark.parametrize("after", [0.8, 2.5])  # from 0.8 s: past the interpreter's own start-up
def test_ctrl_c_exits_130_in_one_line_and_leaves_no_file(after, tmp_path):
    rc, out, err = _interrupt(["compare", "--steps", "100000", "--seeds", "64", "--plot", "c.png"], after,
                              cwd=tmp_path)
    assert rc == 130 and err.strip() == "convcheck: interrupted", err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("after", [2.2, 4.0])  # while the pool starts, and while its workers check
def test_ctrl_c_ends_the_worker_processes_of_check(after):
    rc, _, err = _interrupt(["check", "--jobs", "2"], after)
    assert rc == 130 and err.strip() == "convcheck: interrupted", err


def test_files_appear_whole_or_not_at_all(tmp_path):
    from convcheck.clifiles import atomic_file, out_folder, staging_folder

    target = tmp_path / "p.png"
    with pytest.raises(KeyboardInterrupt), atomic_file(str(target)) as tmp:
        open(tmp, "w").write("half")
        raise KeyboardInterrupt
    assert not list(tmp_path.iterdir())
    out = out_folder(str(tmp_path / "study"), "unused")
    with pytest.raises(KeyboardInterrupt), staging_folder(out) as stage:
        (stage / "a.png").write_text("half")
        raise KeyboardInterrupt
    assert not list(tmp_path.iterdir())
    with staging_folder(out) as stage:  # a study records its files' paths: they must name where they end
        (stage / "a.json").write_text(json.dumps({"files": [str(stage / "a.json")]}))
    assert json.loads((out / "a.json").read_text()) == {"files": [str(out / "a.json")]}
    assert [p.name for p in tmp_path.iterdir()] == ["study"]
