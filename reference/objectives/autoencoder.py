"""A small fully connected autoencoder: a finite-sum neural-network loss, batched over runs."""
from __future__ import annotations

import numpy as np

from ..backend import backend_of, concat, get_backend
from ._checks import nonneg_float, positive_int, seeded_rng
from .base import Objective, check_points

ACTIVATIONS = ("tanh", "sigmoid")


def _swap(xp, A):
    return xp.matrix_transpose(A)


class Autoencoder(Objective):
    r"""f(x) = (1/n) \sum_i f_i(x),  f_i(x) = 1/2 \|net_x(a_i) - a_i\|^2,

    net_x a fully connected network p -> h_1 -> ... -> h_k -> p (``hidden`` = (h_1, ..., h_k),
    1 <= k <= 3, the encoder and decoder widths together, e.g. (8,) or (16, 4, 16)) with activation
    ``activation`` ("tanh" or "sigmoid") after every hidden layer and a linear output layer:
    z_l = W_l h_l + b_l, h_0 = a, h_{l+1} = act(z_l) for l < k, net(a) = z_k.

    Parameter layout. x in R^P holds, layer after layer (l = 0, ..., k), first W_l (out_l x in_l,
    row-major) and then b_l (out_l), with (in_l, out_l) = (sizes[l], sizes[l + 1]) and
    sizes = (p, h_1, ..., h_k, p); so P = \sum_l out_l (in_l + 1). ``unpack(X)`` returns the per-run
    views [(W_l (R, out, in), b_l (R, out)), ...] and ``offsets`` the start of each W_l and b_l.

    Data, from ``seed``: a point a = U z + noise e with U (p x rank) orthonormal columns (a random
    rank-dimensional subspace), z ~ N(0, I_rank), e ~ N(0, I_p). The training set has n points (the
    components of f), the test set n_test points from an independent stream (so changing n does not
    change the test set); ``test_value(X)`` is the same loss on the test set.

    Derivatives are hand-written and batched over runs (one array program, no loop over runs):
    ``grad`` is backpropagation, ``hvp`` is Pearlmutter's R-operator (forward-over-reverse): the
    directional derivative of the backward pass along V, exact up to rounding.

    Class "smooth": f is C^infinity, but its gradient is not globally Lipschitz (the loss is a
    polynomial of degree 4 and more in the weights), so no L is claimed. Constants (proved):

    * f_low = 0: every f_i is half a squared norm. (inf f is not known; with noise > 0 it is > 0
      when some h_l < p - no exact reconstruction - but no closed form is claimed.)

    ``initial_points(R, seed, radius)`` draws Glorot-uniform weights, W_l entries
    U[-g_l, g_l] with g_l = sqrt(6 / (in_l + out_l)), and zero biases, all multiplied by radius / 2:
    the shared default radius 2 gives the standard Glorot initialisation (radius does not describe
    a box here).
    """

    name = "autoencoder"
    function_class = "smooth"

    def __init__(self, n: int = 64, p: int = 8, hidden=(4,), activation: str = "tanh", seed: int = 0,
                 n_test: int = 64, rank: int = 2, noise: float = 0.05):
        self.n = positive_int(n, "n")
        self.p = positive_int(p, "p")
        self.n_test = positive_int(n_test, "n_test")
        try:
            hidden = tuple(hidden)
        except TypeError:
            raise ValueError(f"hidden must be a tuple of 1 to 3 layer widths; got {hidden!r}") from None
        if not 1 <= len(hidden) <= 3:
            raise ValueError(f"hidden must be a tuple of 1 to 3 layer widths; got {hidden!r}")
        self.hidden = tuple(positive_int(h, "hidden") for h in hidden)
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}; got {activation!r}")
        self.activation = activation
        self.rank = positive_int(rank, "rank")
        if self.rank > self.p:
            raise ValueError(f"rank must be at most p = {self.p}; got {rank!r}")
        self.noise = nonneg_float(noise, "noise")

        self.sizes = (self.p, *self.hidden, self.p)
        self.shapes = [(o, i) for i, o in zip(self.sizes[:-1], self.sizes[1:])]
        self.offsets = []  # (start of W_l, start of b_l)
        P = 0
        for o, i in self.shapes:
            self.offsets.append((P, P + o * i))
            P += o * (i + 1)
        super().__init__(P)

        rng = seeded_rng(seed)
        basis_rng, train_rng, test_rng = rng.spawn(3)
        self.basis = np.linalg.qr(basis_rng.standard_normal((self.p, self.rank)))[0]
        self.data = self._sample(train_rng, self.n)
        self.test_data = self._sample(test_rng, self.n_test)
        limit = []
        for o, i in self.shapes:
            limit += [np.full(o * i, np.sqrt(6.0 / (i + o))), np.zeros(o)]
        self._glorot = np.concatenate(limit)

    def _sample(self, rng, count):
        Z = rng.standard_normal((count, self.rank))
        return Z @ self.basis.T + self.noise * rng.standard_normal((count, self.p))

    @property
    def constants(self):
        return {"f_low": 0.0}

    def describe(self) -> str:
        return (f"{self.name} (p={self.p}, hidden={self.hidden}, {self.activation}, n={self.n}; "
                f"P={self.d}; {self.function_class}; f_low=0)")

    def initial_points(self, R: int, seed: int = 0, radius: float = 2.0, backend="numpy"):
        """R Glorot-uniform parameter vectors (biases 0), multiplied by radius / 2; seeded."""
        radius = nonneg_float(radius, "radius")
        be = get_backend(backend)
        U = 2.0 * be.rng(seed).random((R, self.d)) - 1.0
        return (0.5 * radius) * U * be.xp.asarray(self._glorot)

    # -- layout --------------------------------------------------------------------------------
    def unpack(self, X):
        """[(W_l, b_l)] per layer: views of X with shapes (R, out_l, in_l) and (R, out_l)."""
        xp, R = backend_of(X).xp, X.shape[0]
        return [(xp.reshape(X[:, w:b], (R, o, i)), X[:, b:b + o])
                for (o, i), (w, b) in zip(self.shapes, self.offsets)]

    def pack(self, layers):
        """The inverse of ``unpack``: (R, P) from [(W_l, b_l)]."""
        xp = backend_of(layers[0][0]).xp
        R = layers[0][0].shape[0]
        return concat(xp, [xp.reshape(part, (R, -1)) for Wb in layers for part in Wb], axis=1)

    # -- the network ---------------------------------------------------------------------------
    def _act(self, xp, Z):
        """act(z), act'(z), act''(z)."""
        if self.activation == "tanh":
            T = xp.tanh(Z)
            D1 = 1.0 - T * T
            return T, D1, -2.0 * T * D1
        S = xp.exp(-xp.logaddexp(0.0, -Z))  # the logistic sigmoid, no overflow
        D1 = S * (1.0 - S)
        return S, D1, D1 * (1.0 - 2.0 * S)

    def _forward(self, X, D, second=False):
        """Pre-activations' derivatives and layer inputs for data D, (N, p) shared or (R, N, p)."""
        xp = backend_of(X).xp
        layers = self.unpack(X)
        H, inputs, d1, d2 = D, [], [], []
        for l, (W, b) in enumerate(layers):
            inputs.append(H)
            Z = H @ _swap(xp, W) + b[:, None, :]
            if l < len(layers) - 1:
                H, D1, D2 = self._act(xp, Z)
                d1.append(D1)
                d2.append(D2 if second else None)
            else:
                H = Z
        return layers, inputs, d1, d2, H - D  # H - D: the residual of each point

    def _loss(self, X, D):
        check_points(X, self.d)
        return self._mean_loss(self._forward(X, D)[-1])

    @staticmethod
    def _mean_loss(E):
        """(1/N) sum_i 1/2 ||E_i||^2 per run, from the residuals E (R, N, p)."""
        return 0.5 * backend_of(E).xp.sum(E * E, axis=(-2, -1)) / E.shape[-2]

    def _backward(self, X, D, forward=None):
        """The gradient by backpropagation, from ``forward = self._forward(X, D)`` when already run."""
        xp = backend_of(X).xp
        layers, inputs, d1, _, E = self._forward(X, D) if forward is None else forward
        delta = E / D.shape[-2]  # dLoss/dz_k, shape (R, N, p)
        grads = [None] * len(layers)
        for l in range(len(layers) - 1, -1, -1):
            grads[l] = (_swap(xp, delta) @ inputs[l], xp.sum(delta, axis=-2))
            if l:
                delta = (delta @ layers[l][0]) * d1[l - 1]
        return self.pack(grads)

    def value(self, X):
        return self._loss(X, self.param("data", X))

    def test_value(self, X):
        """The same loss, (1/n_test) sum_i 1/2 ||net(a_i) - a_i||^2, on the test set."""
        return self._loss(X, self.param("test_data", X))

    def grad(self, X):
        check_points(X, self.d)
        return self._backward(X, self.param("data", X))

    def value_and_grad(self, X):
        """(f(X), grad f(X)) from one forward pass: the same numbers as ``value`` and ``grad``."""
        check_points(X, self.d)
        D = self.param("data", X)
        forward = self._forward(X, D)
        return self._mean_loss(forward[-1]), self._backward(X, D, forward)

    def hvp(self, X, V):
        r"""\nabla^2 f(x) v by the R-operator R{.} = d/dt (.)(x + t v) at t = 0, with V's layers
        (dW_l, db_l): R{h_0} = 0, R{z_l} = R{h_l} W_l^T + h_l dW_l^T + db_l,
        R{h_{l+1}} = act'(z_l) R{z_l}; backward, with delta_l = dLoss/dz_l,
        R{delta_k} = R{z_k}/N, R{delta_{l-1}} = (R{delta_l} W_l + delta_l dW_l) act'(z_{l-1})
        + (delta_l W_l) act''(z_{l-1}) R{z_{l-1}}, and R{dLoss/dW_l} = R{delta_l}^T h_l + delta_l^T R{h_l},
        R{dLoss/db_l} = sum over points of R{delta_l}."""
        check_points(X, self.d)
        check_points(V, self.d)
        xp = backend_of(X).xp
        D = self.param("data", X)
        N = D.shape[-2]
        layers, inputs, d1, d2, E = self._forward(X, D, second=True)
        dirs = self.unpack(V)
        K = len(layers)
        # forward tangents R{z_l} and R{h_l}
        Rz, Rh = [], [None]  # R{h_0} = 0
        for l, ((W, _), (dW, db)) in enumerate(zip(layers, dirs)):
            z = inputs[l] @ _swap(xp, dW) + db[:, None, :]
            if Rh[l] is not None:
                z = z + Rh[l] @ _swap(xp, W)
            Rz.append(z)
            if l < K - 1:
                Rh.append(d1[l] * z)
        # backward pass and its tangent
        delta, Rdelta = E / N, Rz[-1] / N
        out = [None] * K
        for l in range(K - 1, -1, -1):
            gW = _swap(xp, Rdelta) @ inputs[l]
            if Rh[l] is not None:
                gW = gW + _swap(xp, delta) @ Rh[l]
            out[l] = (gW, xp.sum(Rdelta, axis=-2))
            if l:
                W, dW = layers[l][0], dirs[l][0]
                back = delta @ W
                Rdelta = (Rdelta @ W + delta @ dW) * d1[l - 1] + back * d2[l - 1] * Rz[l - 1]
                delta = back * d1[l - 1]
        return self.pack(out)

    # -- finite-sum access ---------------------------------------------------------------------
    def _components(self, X, idx):
        return self.rows("data", X, idx)  # (R, B, p)

    def component_value(self, X, idx):
        """Row r: (1/B) sum_b f_{idx[r, b]}(x_r)."""
        return self._loss(X, self._components(X, idx))

    def component_grad(self, X, idx):
        """Row r: (1/B) sum_b grad f_{idx[r, b]}(x_r)."""
        check_points(X, self.d)
        return self._backward(X, self._components(X, idx))
