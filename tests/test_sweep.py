"""`convcheck sweep`: chunks on dask.distributed equal the serial sweep bit for bit, a killed worker or a
killed driver (then --resume) still ends with the complete duplicate-free table, theorems are judged
from the table as from a live trace, and bad specs are refused naming the key.

Kept small for CI's 2 cores: one 2-process LocalCluster for the module, tiny specs (d = 3).
"""
import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("dask.distributed")
pytest.importorskip("pyarrow")

import pyarrow.parquet as pq  # noqa: E402
from dask.distributed import Client, LocalCluster  # noqa: E402

from cli_support import call, strict_json  # noqa: E402
from convcheck import theory  # noqa: E402
from convcheck.join import Join  # noqa: E402
from convcheck.judges import deterministic_rate, measure  # noqa: E402
from convcheck.reference import run  # noqa: E402
from convcheck.sweep import EXAMPLE, parse, sweep  # noqa: E402
from convcheck.sweep.chunks import starts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# 2 oracles x 2 step sizes = 4 setups, 6 seeds in chunks of 2: 12 chunks. A killed worker also loses the results
# it holds that the driver has not fetched yet, so a kill after the first chunk arrives always costs recomputation.
SPEC = """
steps = {steps}
seeds = {{ start = 3, count = 6 }}
seed = 7
chunk_runs = {chunk_runs}
record = 12
theorems = ["gd.smooth"]

[[objectives]]
name = "cosine_sum"
d = 3

[[oracles]]
name = "exact"

[[oracles]]
name = "gaussian"
sigma = 0.3

[[optimizers]]
name = "gd"
lr = [0.2, 0.9]
"""
MEASURES = ["f", "grad_sq", "min_grad_sq", "sum_grad_sq", "sum_grad_norm", "decrease", "diverged_at"]


KILL_STEPS = 1500  # chunks of ~0.1 s: a driver stopped after its first chunk file has more to do


def spec_text(steps=300, chunk_runs=2):
    return SPEC.format(steps=steps, chunk_runs=chunk_runs)


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=50) as c, Client(c) as client:
        yield c, client


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The reference: the spec run chunk after chunk in this process."""
    out = tmp_path_factory.mktemp("serial") / "d"
    result = sweep(parse(spec_text()), out, spec_text(), workers=0)
    return out, result


def table_bytes(out):
    return (Path(out) / "runs.parquet").read_bytes()


def test_rows_are_complete_and_a_run_depends_on_its_seed_alone(serial, tmp_path):
    out, result = serial
    t = pq.read_table(out / "runs.parquet")
    spec = parse(spec_text())
    K = len(spec.record)
    assert t.num_rows == result["rows"] == len(spec.setups) * len(spec.seeds) * K
    keys = set(zip(*(t[c].to_pylist() for c in ("setup", "run", "step"))))
    assert len(keys) == t.num_rows  # no (setup, run, recorded step) twice
    assert sorted(set(t["seed"].to_pylist())) == list(range(3, 9))
    # other chunk sizes: other chunk ids, the same runs (the seed decides a run's start and noise, not its
    # batch; only to rounding: a BLAS kernel may sum in an order that depends on the batch's size, and at
    # lr = 0.9 > 2/L the dynamics amplify it, so the numbers are compared at the contracting lr = 0.2)
    other = sweep(parse(spec_text(chunk_runs=4)), tmp_path / "d", spec_text(chunk_runs=4), workers=0)
    u = pq.read_table(tmp_path / "d" / "runs.parquet")
    assert other["chunks"] == 8 and result["chunks"] == 12
    for name in ("setup", "run", "seed", "step"):
        assert u[name].to_pylist() == t[name].to_pylist(), name
    stable = np.isin(t["setup"].to_numpy(), [0, 2])
    for name in MEASURES[:-1]:
        np.testing.assert_allclose(u[name].to_numpy()[stable], t[name].to_numpy()[stable], rtol=1e-10, atol=1e-14,
                                   err_msg=name)
    assert u["chunk"].to_pylist() != t["chunk"].to_pylist()


def test_two_worker_cluster_equals_the_serial_sweep_bit_for_bit(cluster, serial, tmp_path):
    _, client = cluster
    result = sweep(parse(spec_text()), tmp_path / "d", spec_text(), dask_client=client)
    assert result["chunks_run"] == 12
    assert table_bytes(tmp_path / "d") == table_bytes(serial[0])
    assert pq.read_table(tmp_path / "d" / "theorems.parquet").equals(pq.read_table(serial[0] / "theorems.parquet"))


def test_a_worker_killed_mid_sweep_is_restarted_and_the_table_is_complete(cluster, serial, tmp_path):
    c, client = cluster
    before = client.run(os.getpid)
    done_after_kill = []

    def kill_a_worker(chunk):
        if not done_after_kill and not getattr(kill_a_worker, "killed", False):
            os.kill(next(iter(before.values())), signal.SIGKILL)  # a worker this test's cluster started
            kill_a_worker.killed = True
        else:
            done_after_kill.append(chunk.id)

    sweep(parse(spec_text()), tmp_path / "d", spec_text(), dask_client=client, on_done=kill_a_worker)
    assert len(done_after_kill) == 11  # the kill came after the first of 12 chunks; every other one still arrived
    client.wait_for_workers(2, timeout=60)  # the nanny restarted the killed worker
    assert set(client.run(os.getpid).values()) != set(before.values())
    assert table_bytes(tmp_path / "d") == table_bytes(serial[0])
    assert sorted(p.name for p in (tmp_path / "d" / "chunks").iterdir()) == \
        sorted(f"{ch.id}.parquet" for ch in parse(spec_text()).chunks())


def test_a_killed_driver_resumed_gives_the_same_table(cluster, serial, tmp_path):
    c, _ = cluster
    spec_file, out = tmp_path / "s.toml", tmp_path / "d"
    spec_file.write_text(spec_text(steps=KILL_STEPS))
    driver = subprocess.Popen([sys.executable, "-m", "convcheck", "sweep", str(spec_file), "--out", str(out),
                               "--scheduler", c.scheduler_address], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not list((out / "chunks").glob("s*.parquet")) and time.monotonic() < deadline:
            time.sleep(0.01)
        driver.send_signal(signal.SIGKILL)
    finally:
        driver.wait()
    written = len(list((out / "chunks").glob("s*.parquet")))
    assert 1 <= written < 12, driver.stderr.read().decode()
    rc, stdout, _ = call("sweep", spec_file, "--out", out, "--resume", "--scheduler", c.scheduler_address, "--json")
    data = strict_json(stdout)
    assert rc == 0 and data["chunks_resumed"] >= written and data["chunks_run"] == 12 - data["chunks_resumed"]
    uninterrupted = tmp_path / "u"
    sweep(parse(spec_text(steps=KILL_STEPS)), uninterrupted, spec_text(steps=KILL_STEPS), workers=0)
    assert table_bytes(out) == table_bytes(uninterrupted)
    assert not list((out / "chunks").glob(".*"))  # the killed write's temporary file is gone


def test_theorem_rows_are_the_checkers_judgement_of_a_live_trace(serial):
    """gd.smooth from the table = deterministic_rate on a direct reference.run of the same runs; the
    gaussian-oracle and lr >= 2/L setups do not apply, naming why."""
    out, result = serial
    spec = parse(spec_text())
    rows = {r["setup"]: r for r in result["theorem_setups"]}
    thm = theory.get("gd.smooth")
    s = spec.setups[0]  # exact oracle, lr = 0.2 < 2/L
    assert (s.oracle[0], dict(s.hp)) == ("exact", {"lr": 0.2})
    obj, orc, opt = s.build()
    chunk = next(ch for ch in spec.chunks() if ch.setup == s)
    x0 = starts(dataclasses.replace(chunk, seeds=spec.seeds), obj)  # every run of the setup in one batch
    tr = run(opt, obj, x0, spec.steps, hp={"lr": 0.2}, oracle=orc, seed=spec.seed, record=spec.record,
             run_seeds=np.asarray(spec.seeds))
    join = Join.of(thm, obj, orc, tr.f[0]).with_hyperparameters({"lr": 0.2}, spec.steps)
    live = deterministic_rate("rate", thm.rate.bound.expr, *measure(thm.rate.measure, tr), join, tr)
    assert rows[0]["verdict"] == live.verdict == "holds"
    assert rows[0]["tightness"] == live.tightness and 0 < live.tightness <= 1
    assert "2/L" in rows[1]["note"]  # lr = 0.9 on cosine_sum(d=3): L ~ 2.96, so 2/L < 0.9
    assert all("exact oracle" in rows[i]["note"] for i in (2, 3))  # the gaussian oracle's setups
    assert result["theorems"][0]["verdict"] == "holds"
    assert result["theorems"][0]["worst_tightness"] == max(r["tightness"] for r in rows.values()
                                                           if r["tightness"] is not None)


def test_shared_starts_are_one_point_and_random_starts_are_each_seeds_own():
    spec = parse(spec_text().replace("record = 12", "record = 12\nx0 = \"shared\""))
    chunk = spec.chunks()[1]
    obj = chunk.setup.build()[0]
    shared = starts(chunk, obj)
    assert shared.shape == (2, 3) and np.array_equal(shared[0], shared[1])
    assert np.array_equal(shared[0], obj.initial_points(1, seed=spec.seed)[0])
    own = starts(dataclasses.replace(chunk, x0="random"), obj)
    assert not np.array_equal(own[0], own[1])
    assert np.array_equal(own[1], obj.initial_points(1, seed=[spec.seed, chunk.seeds[1]])[0])
    assert np.all(np.abs(own) <= spec.radius)


def test_a_theorem_table_runs_its_algorithm_over_its_hyperparameters_without_optimizers():
    text = spec_text().replace('theorems = ["gd.smooth"]', 'theorems = [{ id = "gd.smooth", lr = [0.1, 0.3] }]')
    spec = parse(text[:text.index("[[optimizers]]")])
    assert spec.theorems == ("gd.smooth",)
    assert [(s.optimizer, s.hp, s.oracle[0]) for s in spec.setups] == \
        [("gd", (("lr", 0.1),), "exact"), ("gd", (("lr", 0.3),), "exact"),
         ("gd", (("lr", 0.1),), "gaussian"), ("gd", (("lr", 0.3),), "gaussian")]


def test_resume_refuses_another_spec_and_a_new_sweep_refuses_a_used_folder(serial, tmp_path):
    out, _ = serial
    other = tmp_path / "other.toml"
    other.write_text(spec_text(steps=50))
    rc, _, err = call("sweep", other, "--out", out, "--resume", "--workers", "0")
    assert rc == 2 and "another spec" in err and err.count("\n") == 1
    rc, _, err = call("sweep", other, "--out", out, "--workers", "0")
    assert rc == 2 and "--resume" in err


BAD = [
    ("steps = 300", "steps = 0", "spec key steps"),
    ("steps = 300", "stepz = 600", "spec key stepz"),
    ("lr = [0.2, 0.9]", "lr = [0.2, \"x\"]", "spec key optimizers[0].lr[1]"),
    ("lr = [0.2, 0.9]", "lr = [0.2, -1.0]", "spec key optimizers[0]: hyperparameter lr"),
    ("lr = [0.2, 0.9]", "lrr = 0.2", "spec key optimizers[0].lrr"),
    ("lr = [0.2, 0.9]", "lr = { start = 0.1, stop = 1.0 }", "spec key optimizers[0].lr.count"),
    ("d = 3", "d = 0", "spec key objectives[0].d"),
    ("name = \"cosine_sum\"", "name = \"cosine\"", "spec key objectives[0].name"),
    ("sigma = 0.3", "sigma = -1.0", "spec key oracles[1]"),
    ("\"gd.smooth\"", "\"sgd.smooth\"", "spec key theorems[0]: sgd.smooth is about sgd"),
    ("\"gd.smooth\"", "\"lower.det\"", "spec key theorems[0]: lower.det has no rate"),
    ("count = 6", "count = 0", "spec key seeds.count"),
    ("chunk_runs = 2", "chunk_runs = 0", "spec key chunk_runs"),
    ("record = 12", "record = \"some\"", "spec key record"),
    ("steps = 300", "steps = 300\nsteps = 3", "is not valid TOML"),
    ("[[optimizers]]\nname = \"gd\"\nlr = [0.2, 0.9]", "", "spec key optimizers: is missing"),
    ("\"gd.smooth\"", "{ lr = 0.1 }", "spec key theorems[0].id"),
    ("\"gd.smooth\"", "{ id = \"gd.smooth\", lr = 0.1, beta = 0.5 }", "spec key theorems[0].beta"),
]


@pytest.mark.parametrize("old,new,named", BAD)
def test_bad_specs_are_refused_in_one_line_naming_the_key(tmp_path, old, new, named):
    text = spec_text()
    assert old in text
    (tmp_path / "s.toml").write_text(text.replace(old, new, 1))
    rc, out, err = call("sweep", tmp_path / "s.toml", "--out", tmp_path / "d", "--workers", "0")
    assert rc == 2 and out == "" and err.count("\n") == 1 and named in err, err
    assert not (tmp_path / "d").exists()  # refused before anything is written


def test_example_is_a_runnable_spec_and_options_are_refused_by_name(tmp_path):
    rc, out, _ = call("sweep", "--example")
    assert rc == 0 and out == EXAMPLE
    spec = parse(out)
    assert (len(spec.setups), len(spec.seeds), len(spec.chunks())) == (2 * 1 * (3 + 2), 16, 20)
    for argv, named in ((["--example", "--out", tmp_path], "--out"), (["--example", "--resume"], "--resume"),
                        ([tmp_path / "x.toml", "--workers", "1", "--scheduler", "tcp://h:1"], "--workers"),
                        ([], "SPEC"), ([tmp_path / "missing.toml"], "missing.toml")):
        rc, _, err = call("sweep", *argv)
        assert rc == 2 and named in err and err.count("\n") == 1, err


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # pytest-xdist workers ignore SIGINT, and children inherit it


def test_ctrl_c_exits_130_in_one_line_ends_the_workers_and_keeps_whole_chunks(tmp_path):
    spec_file, out = tmp_path / "s.toml", tmp_path / "d"
    spec_file.write_text(spec_text(steps=KILL_STEPS))
    p = subprocess.Popen([sys.executable, "-m", "convcheck", "sweep", str(spec_file), "--out", str(out),
                          "--workers", "1"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=_default_sigint, start_new_session=True)
    deadline = time.monotonic() + 60
    while not list((out / "chunks").glob("s*.parquet")) and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.01)
    p.send_signal(signal.SIGINT)
    # communicate waits for EOF on the pipes, which the LocalCluster's processes inherit: it returns only
    # once every worker has ended, so a worker left running fails the test here (and is killed with its session)
    try:
        _, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        raise
    assert p.returncode == 130 and err.strip() == "convcheck: interrupted", err
    names = [f.name for f in (out / "chunks").iterdir()]
    assert names and all(n.startswith("s") for n in names)  # whole chunk files only, no temporary one
    assert not (out / "runs.parquet").exists()
