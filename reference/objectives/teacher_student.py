"""A realizable teacher-student tanh regression: a network loss whose infimum 0 is attained."""
from __future__ import annotations

import numpy as np

from ..backend import backend_of, concat, get_backend, row_dot
from ._checks import nonneg_float, positive_int
from .base import Objective, check_points


class TeacherStudent(Objective):
    r"""f(x) = (1/n) \sum_i f_i(x),  f_i(x) = 1/2 (v^T tanh(W a_i + c) + e - y_i)^2,
    x = (W (h x p, row-major), c (h), v (h), e), so d = h (p + 2) + 1,

    with inputs a_i ~ N(0, I_p) and targets y_i = u^T tanh(T a_i) from a teacher of width
    h_t <= h (T entries N(0, 1/p), u entries N(0, 1/h_t)), all drawn from ``default_rng([0x7EAC, seed])``.

    Why it exists: the autoencoder's loss keeps a residual of the order of its noise, which hides an
    optimizer's late-phase fluctuations below its floor; here the student contains the teacher (pad T
    and u with zero rows: ``teacher_point``), so inf f = 0 is attained and the late phase is visible
    down to rounding (the Adam-regimes study). f is smooth and nonconvex; class "smooth" (C^infinity,
    no global L claimed: the gradient grows with the weights). Constants (proved): f_star = f_low = 0,
    as every f_i is half a square and the teacher point attains 0.

    Derivatives are hand-written backpropagation, batched over runs; ``value_and_grad`` shares one
    forward pass (the same numbers as ``value`` and ``grad``). Finite sum over the n samples:
    ``component_grad(X, idx)`` is the mean (1/B) sum_b grad f_{idx[r, b]} at row r.
    ``initial_points`` draws Glorot-uniform W (bound sqrt(6/(p + h))) and v (bound sqrt(6/(h + 1))),
    zero biases, all times radius/2 (the default radius 2 is the standard Glorot start).
    """

    name = "teacher_student"
    function_class = "smooth"

    def __init__(self, n: int = 64, p: int = 8, hidden: int = 16, teacher: int = 4, seed: int = 0):
        self.n, self.p = positive_int(n, "n"), positive_int(p, "p")
        self.h, self.teacher = positive_int(hidden, "hidden"), positive_int(teacher, "teacher")
        if self.teacher > self.h:
            raise ValueError(f"teacher width must be at most the student's hidden = {self.h}; got {teacher}")
        super().__init__(self.h * (self.p + 2) + 1)
        rng = np.random.default_rng([0x7EAC, int(seed)])
        self.A = rng.standard_normal((self.n, self.p))
        T = rng.standard_normal((self.teacher, self.p)) / np.sqrt(self.p)
        u = rng.standard_normal(self.teacher) / np.sqrt(self.teacher)
        self.y = np.tanh(self.A @ T.T) @ u
        self.seed = int(seed)
        self._teacher = (T, u)

    @property
    def constants(self):
        return {"f_low": 0.0, "f_star": 0.0}

    def describe(self) -> str:
        return (f"{self.name} (p={self.p}, student width {self.h}, teacher width {self.teacher}, n={self.n}, "
                f"tanh; d={self.d}; f* = 0)")

    def teacher_point(self) -> np.ndarray:
        """A global minimiser (f = 0): the teacher's weights padded with zero units, shape (1, d)."""
        T, u = self._teacher
        W = np.zeros((self.h, self.p))
        W[:self.teacher] = T
        v = np.zeros(self.h)
        v[:self.teacher] = u
        return np.concatenate([W.ravel(), np.zeros(self.h), v, [0.0]])[None, :]

    def initial_points(self, R: int, seed: int = 0, radius: float = 2.0, backend="numpy"):
        radius = nonneg_float(radius, "radius")
        be = get_backend(backend)
        lim = np.concatenate([np.full(self.h * self.p, np.sqrt(6.0 / (self.p + self.h))), np.zeros(self.h),
                              np.full(self.h, np.sqrt(6.0 / (self.h + 1))), [0.0]])
        U = 2.0 * be.rng(seed).random((R, self.d)) - 1.0
        return (0.5 * radius) * U * be.xp.asarray(lim)

    def _unpack(self, X):
        h, p = self.h, self.p
        return backend_of(X).xp.reshape(X[:, :h * p], (-1, h, p)), X[:, h * p:h * p + h], X[:, h * p + h:h * p + 2 * h], X[:, -1]

    def _forward(self, X, A, y):
        """Hidden activations H (R, N, h) and residuals E (R, N) on data A ((N, p) shared or (R, N, p)), y."""
        check_points(X, self.d)
        xp = backend_of(X).xp
        W, c, v, e = self._unpack(X)
        H = xp.tanh(xp.matmul(A, xp.matrix_transpose(W)) + c[:, None, :])
        E = xp.matmul(H, v[:, :, None])[:, :, 0] + e[:, None] - y
        return H, E

    def _value_grad(self, X, A, y):
        xp = backend_of(X).xp
        H, E = self._forward(X, A, y)
        N = E.shape[1]
        f = 0.5 * row_dot(xp, E, E) / N
        v = self._unpack(X)[2]
        dE = E / N  # (R, N)
        gv = xp.matmul(dE[:, None, :], H)[:, 0, :]
        ge = xp.sum(dE, axis=1)
        dZ = dE[:, :, None] * v[:, None, :] * (1.0 - H * H)  # (R, N, h)
        gW = xp.matmul(xp.matrix_transpose(dZ), A)
        gc = xp.sum(dZ, axis=1)
        return f, concat(xp, [xp.reshape(gW, (X.shape[0], -1)), gc, gv, ge[:, None]], axis=1)

    def value(self, X):
        xp = backend_of(X).xp
        E = self._forward(X, self.param("A", X), self.param("y", X))[1]
        return 0.5 * row_dot(xp, E, E) / self.n

    def grad(self, X):
        return self.value_and_grad(X)[1]

    def value_and_grad(self, X):
        """(f(X), grad f(X)) from one forward pass."""
        return self._value_grad(X, self.param("A", X), self.param("y", X))

    def component_grad(self, X, idx):
        """Row r: (1/B) sum_b grad f_{idx[r, b]}(x_r)."""
        return self._value_grad(X, self.rows("A", X, idx), self.rows("y", X, idx))[1]
