"""Fuzzing the command line: argument lists drawn from a grammar of the real flags plus junk values.

The grammar is read from convcheck.cli.build_parser (each subcommand's flags, their types, choices
and metavars), so a new flag is fuzzed without editing this file. Each drawn command runs in-process
and must: raise nothing (no traceback); exit 2 exactly when it printed one error line, 1 exactly when
its output reports a failed or violated result, 0 otherwise; print strict JSON under --json; and
refuse every value that no flag may accept (an empty value, NaN, an unknown --set name, ...): exit 0
on such a value is a silent acceptance.

The fast profile (default) keeps to commands that answer in well under a second and forces small
--steps/--runs; CONVCHECK_HYPOTHESIS_PROFILE=thorough draws 500 inputs over every theorem and also
fuzzes show and certify (the first certificate of each theorem costs seconds to a minute once).
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_support import call, strict_json
from convcheck import glossary, theory
from convcheck.cli import build_parser

from convcheck.reference import objectives, optimizers, oracles

THOROUGH = os.environ.get("CONVCHECK_HYPOTHESIS_PROFILE") == "thorough"
# values no flag may accept: each must be refused wherever it is drawn
MUST_REFUSE = ("", " ", "nan", "inf", "-inf", "NaN", ",,,", "=")
JUNK = MUST_REFUSE + ("-1", "0", "x", "1e400", "1e-400", "1.5", "10000000000", "-0")
NUMBERS = ("0", "1", "2", "3", "0.5", "0.1", "1e-3", "-2", "10", "100")
# commands whose first run is slow (a certificate of up to a minute, minutes of mutation, a study)
CHEAP_CHECKS = ("gd.smooth", "gd.l0l1.upper", "rmsprop.det", "adam.stoch", "lower.det", "lower.stoch",
                "din.rate", "adamw.scale_free")
FAST_COMMANDS = ("list", "bound", "run", "compare", "check")
THOROUGH_COMMANDS = FAST_COMMANDS + ("show", "certify")
SMALL = {"run": ["--steps", "20", "--runs", "2"], "compare": ["--steps", "20", "--seeds", "2"],
         "check": ["--steps", "20", "--runs", "2"]}

THEOREMS = tuple(t.id for t in theory.theorems())
# --set/--param names: the glossary's, objective sizes, property checks' settings, and one unknown
NAMES = tuple(sorted({*glossary.NAMES, "momentum", "d", "n", "m", "a", "seed", "steps", "runs", "K", "T", "q",
                      "foo"}))
UPPER = {t.id for t in theory.theorems() if t.kind == "upper"}
COUNTS: collections.Counter = collections.Counter()


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _type_name(action) -> str:
    return getattr(action.type, "__name__", "") if action.type else ""


def _value(command: str, action) -> st.SearchStrategy[str]:
    """Plausible values for one flag (from its choices, type or metavar), mixed with junk."""
    junk = st.sampled_from(JUNK)
    dest, meta = action.dest, action.metavar or ""
    if action.choices:
        good = st.sampled_from(sorted(action.choices))
    elif dest in ("id", "ids"):
        good = st.sampled_from(THEOREMS if THOROUGH else CHEAP_CHECKS if command == "check" else THEOREMS)
    elif dest == "objective":
        good = st.sampled_from(objectives.NAMES)
    elif dest == "oracle":
        good = st.sampled_from(oracles.NAMES)
    elif dest == "optimizer":
        good = st.sampled_from(optimizers.NAMES)
    elif dest == "optimizers":
        good = st.lists(st.sampled_from(optimizers.NAMES[:6] + ("slow=gd", "x")), min_size=1, max_size=3).map(",".join)
    elif dest == "sweep":
        good = st.builds("{}={}:{}:{}".format, st.sampled_from(("L", "Delta", "lr")), st.sampled_from(NUMBERS),
                         st.sampled_from(NUMBERS), st.sampled_from(("1", "3", "0", "x")))
    elif dest == "plot":
        good = st.sampled_from(("p.png", "p.svg", ".", "nope/p.png", "p.txt", "p"))
    elif "NAME=VALUE" in meta:
        prefix = st.sampled_from(("gd.", "nag.", "heavy_ball.", "x.", "")) if meta.startswith("OPT.") else st.just("")
        good = st.builds("{}{}={}".format, prefix, st.sampled_from(NAMES), st.sampled_from(NUMBERS + JUNK))
    elif "int" in _type_name(action) or dest in ("steps", "runs", "seeds", "jobs", "T", "samples", "batch"):
        good = st.sampled_from(("1", "2", "3", "20") if dest in ("steps", "runs", "seeds") else NUMBERS[:4])
    else:
        good = st.sampled_from(NUMBERS)
    return st.one_of(good, good, good, junk)


@st.composite
def command_lines(draw) -> list[str]:
    parsers = _subparsers()
    command = draw(st.sampled_from(THOROUGH_COMMANDS if THOROUGH else FAST_COMMANDS))
    sub = parsers[command]
    argv = [command]
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:  # a positional: usually given, sometimes left out (not check's: all)
            if action.nargs in ("?", "*") and command != "check" and draw(st.booleans()):
                continue
            argv.append(draw(_value(command, action)))
            continue
        if not draw(st.integers(0, 3)) == 0:  # each flag with probability 1/4
            continue
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            argv.append(flag)
            continue
        for _ in range(draw(st.integers(1, 2)) if isinstance(action, argparse._AppendAction) else 1):
            argv += [flag, draw(_value(command, action))]
    if command in SMALL and (command != "check" or argv[1] in UPPER):
        argv[1:1] = SMALL[command]  # small defaults first: a drawn value later overrides them
    return argv


def _reports_failure(command: str, out: str, as_json: bool) -> bool:
    if command == "check":
        if as_json:
            d = strict_json(out)
            return any(not r["passed"] for r in (d if isinstance(d, list) else [d]))
        return bool(re.search(r"^\S+: (VIOLATED|INCONCLUSIVE|DIVERGED)|certificate FAILS", out, re.M))
    if command == "certify":
        return (not all(c["ok"] for c in strict_json(out))) if as_json else "-- FAILED" in out
    return False


def _judge(argv: list[str]) -> None:
    rc, out, err = call(*argv)
    command, as_json = argv[0], "--json" in argv
    assert "Traceback" not in err + out, (argv, err)
    assert rc in (0, 1, 2), (argv, rc, err)
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert (rc == 2) == bool(errors), (argv, rc, err)
    if rc == 2:
        assert len(err.strip().splitlines()) == 1 and out == "", (argv, err, out)
        COUNTS["refused"] += 1
        return
    if as_json:
        strict_json(out)
    assert (rc == 1) == _reports_failure(command, out, as_json), (argv, rc, out[:2000])
    if rc == 0:  # a value no flag may accept, accepted: a silent acceptance
        bad = [a for a in argv[1:] if a in MUST_REFUSE or "=" in a and a.partition("=")[2] in MUST_REFUSE
               or a.startswith("foo=") or ".foo=" in a]
        assert not bad, (argv, "accepted", bad, out[:500])
    COUNTS["answered" if rc == 0 else "failed result"] += 1


WORKDIR = tempfile.mkdtemp(prefix="convcheck-fuzz-")


@settings(max_examples=500 if THOROUGH else 20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(command_lines())
def test_the_command_line_never_ignores_or_crashes(argv):
    COUNTS["drawn"] += 1
    here = os.getcwd()
    os.chdir(WORKDIR)  # plots land in a scratch folder
    try:
        _judge(argv)
    finally:
        os.chdir(here)


@pytest.fixture(scope="module", autouse=True)
def _summary():
    with pytest.MonkeyPatch.context() as mp:  # `list` caches its index: keep it out of the user's cache
        mp.setenv("CONVCHECK_CACHE_DIR", tempfile.mkdtemp(prefix="convcheck-cache-"))
        yield
    if THOROUGH:  # the numbers a thorough run reports (pytest -s shows them)
        print(f"\ncli fuzz: {dict(COUNTS)}")
