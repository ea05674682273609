"""The importance-sampling study at a miniature size: its metric obeys the certified optimality of p*, its JSON
is strict, and its table and verdict say what it measured."""
import json

import numpy as np
import pytest

from convcheck import studies
from convcheck.studies import importance_sampling as study

TINY = study.Config(seeds=4, steps=30, path_points=3, n=12)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return study.run(tmp_path_factory.mktemp("is"), config=TINY)


def test_p_star_has_the_largest_variance_reduction_at_every_point(result):
    for p in result["problems"].values():
        q = p["quality"]["schemes"]
        assert np.all(np.asarray(q["uniform"]["Q"]) == 1.0)
        for name, row in q.items():
            assert np.all(np.asarray(q["gradient_norm"]["Q"]) >= np.asarray(row["Q"]) * (1 - 1e-12)), name


def test_adams_second_moment_is_reported_against_uniform(result):
    for p in result["problems"].values():
        adam = p["runs"]["adam"]
        assert adam["uniform"]["sqrt_v_over_uniform"] == 1.0
        assert all(r["mean_sqrt_v"] > 0 for r in adam.values())


def test_the_json_is_strict_and_the_summary_and_table_agree(result):
    path = next(f for f in result["files"] if f.endswith(".json"))
    loaded = json.loads(open(path).read(), parse_constant=lambda c: pytest.fail(f"non-strict JSON: {c}"))
    assert loaded["config"]["seeds"] == TINY.seeds
    summ = studies.summary("importance-sampling", result)
    text = study.table(result)
    for title, p in summ["problems"].items():
        assert title in text
        assert f"{p['quality']['gradient_norm']['median_Q']:.4g}" in text
    assert all(line in text for line in result["verdict"])
