"""gd.l0l1.lower: every fixed-step GD is slow on the clipping card's witness objectives (derived).

Zhang, He, Sra, Jadbabaie 2020, Theorem 4 and Remark 5 [P]: fixed-step GD cannot beat
Omega((L1 M/log M + L0) Delta eps^-2) on (L0,L1)-smooth functions; the bound's display is NOT FOUND. The
card's section 10 builds objectives f(z) = phi(u) + (mu/2)||y||^2 on which this is a theorem for one
starting point [D]: from z_0 = (R, y_0), a fixed step lr >= h_max never reaches ||grad f|| <= eps (the
u-block does not contract), and any lr < h_max leaves ||grad f(z_k)|| >= mu ||y_0|| (1 - mu lr)^k, so with
mu h_max < 1 it needs at least

    K_LB = ln(mu ||y_0||/eps) / (-ln(1 - mu h_max))

steps, whatever the step; h_max shrinks like 1/cosh(a R) (cosh) or 1/R^2 (u^4, Mexican hat). Certified
here: the witness recursion, the gradient floor's count, and that a smaller contraction factor only
lowers the count. The u-block argument (s(u) increases in |u|) is stated in words; the runs check it.
"""
import sympy as sp

from ..model import ChainStep, Claim, Condition, Define, Quantity, Source, Theorem, le, lt, zero
from ..symbols import eps, lr

DERIVED = Source("derived", "card clipping_zhang2019_2020.md section 10.1 Proposition [D], certified here")
ZHSJ = Source("claim", "Zhang, He, Sra, Jadbabaie 2020, Theorem 4 / Remark 5 [P]: fixed-step GD needs "
                       "Omega((L1 M/log M + L0) Delta eps^-2); display NOT FOUND")

mu, h_max, y0 = sp.symbols("mu h_max y0", positive=True)
y, k = sp.symbols("y k", positive=True)
q = sp.Symbol("q", real=True)                     # the witness contraction factor 1 - mu lr, in (0, 1)
ell = sp.Symbol("l", positive=True)               # -ln q
q_min = 1 - mu * h_max
count = sp.log(mu * y0 / eps) / (-sp.log(q))      # steps until mu y0 q^k = eps
K_LB = count.subs(q, q_min)

theorem = Theorem(
    id="gd.l0l1.lower",
    title="Every fixed-step GD is slow on the (L0,L1) witness objectives (derived lower bound K_LB)",
    algorithm="gd",
    function_class="(L0,L1)-smooth",
    oracle="exact",
    constants=(Quantity(mu, "curvature of the witness block (mu/2)||y||^2"),
               Quantity(h_max, "largest fixed step that can converge from the witness start"),
               Quantity(y0, "||y_0||, the witness block at the start")),
    hyperparameters=(Quantity(lr, "fixed step size"),),
    # steps lr >= h_max never reach ||grad f|| <= eps from the witness start (the u-block does not contract;
    # stated in words, checked by runs): the certified count is for the steps below h_max
    conditions=(Condition(sp.StrictLessThan(lr, h_max), "lr < h_max (larger steps do not converge)"),
                Condition(sp.StrictLessThan(h_max, 1 / mu), "mu h_max < 1")),
    kind="property",
    chain=(
        ChainStep("witness recursion", "GD on (mu/2)||y||^2 multiplies y by q = 1 - mu lr each step, and "
                  "||grad f(z_k)|| >= mu ||y_k|| = mu ||y_0|| |q|^k",
                  (zero(y - lr * mu * y, (1 - mu * lr) * y),), DERIVED),
        ChainStep("steps below h_max contract no faster than 1 - mu h_max",
                  "for lr < h_max and mu h_max < 1: q = 1 - mu lr > 1 - mu h_max > 0",
                  (lt(q_min, 1 - mu * lr, "1 - mu h_max < 1 - mu lr"),), DERIVED,
                  ),
        ChainStep("the gradient floor's count",
                  "mu y0 q^k = eps at k = ln(mu y0/eps)/(-ln q); this count grows with q, so q >= 1 - mu h_max "
                  "gives k >= K_LB",
                  (zero(mu * y0 * sp.exp(count * sp.log(q)), eps, "mu y0 q^count = eps"),
                   le(sp.diff(k / ell, ell), 0, "count = k/l decreases in l = -ln q (k = ln(mu y0/eps) > 0)"),
                   lt(sp.diff(-sp.log(q), q), 0, "l = -ln q decreases in q")),
                  DERIVED, assume=(Condition(sp.StrictGreaterThan(q, 0), "q > 0", by=Define(q, 1 - mu * lr)),
                                   Condition(sp.StrictLessThan(q, 1), "q < 1", by=Define(q, 1 - mu * lr)))),
    ),
    claims=(Claim("lower", "fixed-step GD needs Omega((L1 M/log M + L0) Delta eps^-2) (Zhang et al., Remark 5); "
                           "exhibited by K_LB on the witness objectives, which grows exponentially (cosh) or "
                           "quadratically (u^4, Mexican hat) in R while clipped GD grows linearly", ZHSJ),),
    summary="From the witness start, every fixed step needs K_LB = ln(mu y0/eps)/(-ln(1 - mu h_max)) GD steps; "
            "convcheck check runs GD at steps up to and beyond h_max and confirms none does better.",
)
