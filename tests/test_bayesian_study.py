"""The bayesian study at a miniature size: the selection it reports is the one its numbers imply, the filters run
in their limit settings, and the JSON is strict."""
import json

import numpy as np
import pytest

from convcheck.studies import bayesian as study

TINY = study.Config(seeds=2, steps=40, lrs=(1e-2, 1e-1))


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return study.run(tmp_path_factory.mktemp("bayes"), config=TINY)


def test_the_reported_lr_minimises_the_median_gap_and_edges_are_flagged(result):
    for methods in result["rows"].values():
        assert set(methods) == {"rmsprop", "brmsprop", "adam", "badam"}
        for r in methods.values():
            med = np.array([np.inf if m is None else m for m in r["median_by_lr"]])
            assert r["best_lr"] == TINY.lrs[int(np.argmin(med))] and r["median_final_gap"] == med.min()
            assert r["at_grid_edge"]  # a two-point grid has only edges


def test_the_filters_run_in_their_limit_settings(result):
    assert TINY.methods["badam"] == {"lr_p": 0.1, "lr_w": 0.0}
    assert "sigma^2 = inf" in result["conventions"]["filters"]


def test_strict_json_and_table(result):
    path = result["files"][0]
    loaded = json.loads(open(path).read(), parse_constant=lambda c: pytest.fail(f"non-strict JSON: {c}"))
    assert loaded["config"]["steps"] == TINY.steps
    text = study.table(result)
    assert all(v in text for v in result["verdict"])
