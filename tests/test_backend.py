"""The array backend: NumPy always; CuPy when a GPU is present (CI has none, so those skip)."""
import numpy as np
import pytest

from convcheck.reference import get_backend, objectives, optimizers, oracles, run
from convcheck.reference.backend import cupy_available

gpu = pytest.mark.skipif(not cupy_available(), reason="no CuPy with a CUDA device")


def test_numpy_backend_is_float64_and_seeded():
    be = get_backend("numpy")
    a, b = be.rng(7).standard_normal(5), be.rng(7).standard_normal(5)
    assert a.dtype == np.float64 and np.array_equal(a, b)


def test_unknown_backend_and_missing_seed_are_named():
    with pytest.raises(ValueError, match="backend must be 'numpy', 'cupy' or 'array_api_strict'; got 'jax'"):
        get_backend("jax")
    with pytest.raises(ValueError, match="seed must be an int"):
        get_backend("numpy").rng(None)


@pytest.mark.skipif(cupy_available(), reason="a GPU is present")
def test_cupy_without_a_gpu_says_so():
    with pytest.raises(RuntimeError, match="no CuPy with a CUDA device"):
        get_backend("cupy")


@gpu
@pytest.mark.parametrize("name", ["sin_squared", "cosine_sum", "logistic"])
def test_cupy_matches_numpy(name):
    import cupy

    obj = objectives.get(name)
    x0 = obj.initial_points(8, seed=1)
    ref = run(optimizers.nag(), obj, x0, 50, hp={"lr": 0.5 / obj.constants["L"]})
    dev = run(optimizers.nag(), obj, cupy.asarray(x0), 50, hp={"lr": 0.5 / obj.constants["L"]})
    assert dev.backend == "cupy"
    np.testing.assert_allclose(dev.x_final, ref.x_final, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dev.min_grad_sq, ref.min_grad_sq, rtol=1e-10, atol=1e-14)


@gpu
def test_cupy_noise_is_seeded():
    import cupy

    obj = objectives.get("sin_squared", d=4)
    x0 = cupy.asarray(obj.initial_points(4, seed=0))
    a = run(optimizers.gd(), obj, x0, 20, hp={"lr": 0.1}, oracle=oracles.Gaussian(1.0), seed=3)
    b = run(optimizers.gd(), obj, x0, 20, hp={"lr": 0.1}, oracle=oracles.Gaussian(1.0), seed=3)
    assert np.array_equal(a.x_final, b.x_final)
