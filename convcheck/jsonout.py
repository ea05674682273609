"""The one JSON encoder of every `--json` output: strict JSON (RFC 8259), never NaN or Infinity.

Numbers of any kind (int, float, NumPy, SymPy, mpmath) become JSON numbers: integers exactly, others
as the nearest float64. A value that is not a finite float64 becomes ``null``, and the object that
holds it under key K gains a sibling explaining why:

* ``K_status``: ``"nan"`` (undefined, e.g. the median of diverged runs), ``"infinite"`` or
  ``"-infinite"`` (e.g. a bound with a zero denominator), ``"overflow"`` (finite but beyond float64,
  e.g. a complexity of 1e400 steps);
  ``"undefined"`` (a complex infinity such as 1/0 in SymPy);
* ``"underflow"``: the value is ``0.0`` but the number is not zero (e.g. 1e-400);
* ``K_str``: for ``"overflow"`` and ``"underflow"``, the value as decimal text (17 significant digits).

For a list under K holding such values, ``K_status`` is a list of the same length (``null`` where the
entry is a number). Standard library only: values are recognised by the number ABCs that NumPy,
SymPy and mpmath register with.
"""
from __future__ import annotations

import json
import math
import numbers
from decimal import Decimal

STATUS, TEXT = "_status", "_str"


def _scalar(x):
    """(JSON value, status or None, exact text or None) for one number."""
    if isinstance(x, bool):
        return x, None, None
    if isinstance(x, numbers.Integral):
        i = int(x)
        try:
            float(i)
        except OverflowError:
            return None, "overflow", f"{Decimal(i):.16e}"
        return i, None, None
    try:
        v = float(x)
    except OverflowError:
        return None, "overflow", str(x)
    except TypeError:  # SymPy's zoo (complex infinity)
        return None, "undefined", None
    if math.isnan(v):
        return None, "nan", None
    if math.isinf(v):
        finite = _finite_beyond_float(x)
        if finite:
            return None, "overflow", str(x)
        return None, "infinite" if v > 0 else "-infinite", None
    if v == 0 and not isinstance(x, float) and x != 0:  # below float64's smallest: 0.0, exact text beside
        return 0.0, "underflow", str(x)
    return v, None, None


def _finite_beyond_float(x) -> bool:
    """True for an exact or multiprecision number too large for float64 (mpmath mpf, SymPy Float)."""
    if isinstance(x, float) or type(x).__module__.startswith("numpy"):
        return False
    is_finite = getattr(x, "is_finite", None)  # SymPy
    if is_finite is not None and not callable(is_finite):
        return bool(is_finite)
    try:  # mpmath: mpf has no inf of its own unless it is one
        import mpmath  # noqa: PLC0415 - loaded by whoever made the value; never at start-up

        return bool(mpmath.isfinite(x))
    except (ImportError, TypeError, ValueError):
        return False


def _is_number(x) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, complex)


def clean(obj):
    """A structure of dicts, lists and JSON scalars with every number finite (statuses added)."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            key = str(k)
            value, status, text = _entry(v)
            out[key] = value
            if status is not None:
                out[key + STATUS] = status
            if text is not None:
                out[key + TEXT] = text
        return out
    value, status, text = _entry(obj)
    if status is not None:  # a top-level value with no object to hold its status: wrapped in one
        return {"value": value, "value" + STATUS: status, **({"value" + TEXT: text} if text else {})}
    return value


def _entry(v):
    """(value, status, text) for a dict entry or a top-level value."""
    if _is_number(v) or _is_sympy_number(v):
        return _scalar(v)
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):  # NumPy arrays and scalars
        return _entry(v.tolist())
    if isinstance(v, (list, tuple)):
        items = [_entry(x) for x in v]
        statuses = [s for _, s, _ in items]
        texts = [t for _, _, t in items]
        return ([x for x, _, _ in items], statuses if any(s is not None for s in statuses) else None,
                texts if any(t is not None for t in texts) else None)
    if isinstance(v, dict):
        return clean(v), None, None
    if v is None or isinstance(v, (str, bool)):
        return v, None, None
    return str(v), None, None  # a symbol, a path, a dataclass: its text


def _is_sympy_number(v) -> bool:
    """A SymPy constant that is not a Number subclass (zoo, pi, sqrt(2))."""
    return type(v).__module__.startswith("sympy") and getattr(v, "is_number", False) is True


def dumps(data, indent: int | None = 2) -> str:
    """Strict JSON text of ``data`` (allow_nan=False: a missed NaN is a bug that raises here)."""
    return json.dumps(clean(data), indent=indent, allow_nan=False)
