"""A teacher-student tanh regression: the toy problem of the Adam-regimes study.

The reference objectives have no realizable network loss (the autoencoder's loss keeps a residual
of the order of its noise, which hides late-phase fluctuations of Adam below its floor), so the
study brings its own, in the objective interface that ``common.simulate`` needs (name, d, value,
grad, initial_points).
"""
from __future__ import annotations

import numpy as np


class TeacherStudent:
    r"""f(x) = (1/(2n)) \sum_i (v^T tanh(W a_i + c) + e - y_i)^2,  x = (W (h x p, row-major), c (h), v (h), e),

    with inputs a_i ~ N(0, I_p) and targets y_i = u^T tanh(T a_i) from a teacher of width h_t <= h
    (T entries N(0, 1/p), u entries N(0, 1/h_t)), all drawn from ``seed``. The student contains the
    teacher (pad T, u with zero rows), so inf f = 0 is attained: the loss is realizable and the late
    phase of an optimizer is visible down to rounding, not hidden under a residual. f is smooth and
    nonconvex. Vectorised over rows of X (R, d), d = h (p + 2) + 1; the gradient is hand-written
    backpropagation (checked against finite differences in tests/test_studies.py).
    """

    name = "teacher_student"
    function_class = "smooth"

    def __init__(self, n: int = 64, p: int = 8, hidden: int = 16, teacher: int = 4, seed: int = 0):
        for label, v in (("n", n), ("p", p), ("hidden", hidden), ("teacher", teacher)):
            if isinstance(v, bool) or int(v) != v or v < 1:
                raise ValueError(f"{label} must be a positive integer; got {v!r}")
        if teacher > hidden:
            raise ValueError(f"teacher width must be at most the student's hidden = {hidden}; got {teacher}")
        self.n, self.p, self.h, self.teacher = int(n), int(p), int(hidden), int(teacher)
        self.d = self.h * (self.p + 2) + 1
        rng = np.random.default_rng([0x7EAC, int(seed)])
        self.A = rng.standard_normal((self.n, self.p))
        T = rng.standard_normal((self.teacher, self.p)) / np.sqrt(self.p)
        u = rng.standard_normal(self.teacher) / np.sqrt(self.teacher)
        self.y = np.tanh(self.A @ T.T) @ u
        self.seed = int(seed)
        self._teacher = (T, u)

    def teacher_point(self) -> np.ndarray:
        """A global minimiser (f = 0): the teacher's weights padded with zero units, shape (1, d)."""
        T, u = self._teacher
        W = np.zeros((self.h, self.p))
        W[:self.teacher] = T
        v = np.zeros(self.h)
        v[:self.teacher] = u
        return np.concatenate([W.ravel(), np.zeros(self.h), v, [0.0]])[None, :]

    @property
    def constants(self):
        return {"f_low": 0.0, "f_star": 0.0}

    def describe(self) -> str:
        return (f"{self.name} (p={self.p}, student width {self.h}, teacher width {self.teacher}, n={self.n}, "
                f"tanh; d={self.d}; f* = 0)")

    def _unpack(self, X):
        h, p = self.h, self.p
        W = X[:, :h * p].reshape(-1, h, p)
        c = X[:, h * p:h * p + h]
        v = X[:, h * p + h:h * p + 2 * h]
        e = X[:, -1]
        return W, c, v, e

    def _forward(self, X):
        if X.ndim != 2 or X.shape[1] != self.d:
            raise ValueError(f"X must have shape (R, {self.d}); got {tuple(X.shape)}")
        W, c, v, e = self._unpack(X)
        H = np.tanh(np.matmul(self.A, W.transpose(0, 2, 1)) + c[:, None, :])  # (R, n, h)
        E = np.matmul(H, v[:, :, None])[:, :, 0] + e[:, None] - self.y  # residuals (R, n)
        return W, v, H, E

    def value(self, X):
        E = self._forward(X)[-1]
        return 0.5 * np.einsum("rn,rn->r", E, E) / self.n

    def grad(self, X):
        return self.value_and_grad(X)[1]

    def value_and_grad(self, X):
        """(f(X), grad f(X)) from one forward pass."""
        W, v, H, E = self._forward(X)
        f = 0.5 * np.einsum("rn,rn->r", E, E) / self.n
        dE = E / self.n  # (R, n)
        gv = np.matmul(dE[:, None, :], H)[:, 0, :]
        ge = dE.sum(axis=1)
        dZ = dE[:, :, None] * v[:, None, :] * (1.0 - H * H)  # (R, n, h)
        gW = np.matmul(dZ.transpose(0, 2, 1), self.A)
        gc = dZ.sum(axis=1)
        return f, np.concatenate([gW.reshape(X.shape[0], -1), gc, gv, ge[:, None]], axis=1)

    def initial_points(self, R: int, seed: int = 0, radius: float = 2.0):
        """Glorot-uniform W (bound sqrt(6/(p + h))) and v (bound sqrt(6/(h + 1))), zero biases, times radius/2."""
        lim = np.concatenate([np.full(self.h * self.p, np.sqrt(6.0 / (self.p + self.h))), np.zeros(self.h),
                              np.full(self.h, np.sqrt(6.0 / (self.h + 1))), [0.0]])
        U = 2.0 * np.random.default_rng(seed).random((R, self.d)) - 1.0
        return (0.5 * radius) * U * lim
