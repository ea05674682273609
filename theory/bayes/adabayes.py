"""adabayes_fp.limit: AdaBayes-FP's step lies between Adam(W)'s and SGD's, and tends to each in its limit.

Aitchison's NeurIPS 2020 version, read from the official code LaurenceA/adabayes@7ea53ed, adabayesfp.py
(card inna_bayes_importance_sampling.md section 2.6): per coordinate, with sigma^2 = lr_sgd/B,

    lambda = sqrt(vhat/eta^2 + (1/(2 sigma^2))^2) + 1/(2 sigma^2),   x <- x - mhat/lambda.

The docstrings say: lr "in the high-data limit converges to Adam(W)", lr_sgd "in the low-data limit
converges to SGD"; the paper's statement of this was not retrieved. Derived and certified: with
a = sqrt(vhat)/eta and 2h = 1/sigma^2, max(a, 2h) <= lambda <= a + 2h. So the step mhat/lambda is at most
Adam's eta mhat/sqrt(vhat) and at most SGD's sigma^2 mhat, at least half the smaller of the two, and its
relative distance to Adam's step is at most eta/(sigma^2 sqrt(vhat)), to SGD's at most sigma^2 sqrt(vhat)/eta.
In the code's SGD limit B g enters mhat, so sigma^2 B mhat = lr_sgd mhat_mean: SGD with EMA momentum at lr_sgd.
"""
import sympy as sp

from ..model import Claim, ChainStep, Quantity, Source, Theorem, le, zero
from ..symbols import lr, lr_sgd

DERIVED = Source("derived", "derived and certified here (proofs_notes/adabayes_fp.limit.md)")
CODE = Source("code", "LaurenceA/adabayes@7ea53ed adabayesfp.py: lpost = sqrt(vhat/lr^2 + (0.5/lr_sgd_B)^2) + "
                      "0.5/lr_sgd_B, p -= mhat/lpost, with lr_sgd_B = lr_sgd/batch_size")
DOCSTRING = Source("claim", "LaurenceA/adabayes@7ea53ed docstrings [code]: 'in the high-data limit, converges to "
                            "Adam(W) with this learning rate' (lr); 'in the low-data limit, converges to SGD with this "
                            "learning rate' (lr_sgd)")

vhat = sp.Symbol("vhat", positive=True)   # bias-corrected second moment (plus xi_root)
B = sp.Symbol("B", positive=True)         # the code's batch size
sigma2 = lr_sgd / B
a = sp.sqrt(vhat) / lr                    # Adam's inverse step
half = 1 / (2 * sigma2)                   # 1/(2 sigma^2); 2 half is SGD's inverse step
lam = sp.sqrt(vhat / lr ** 2 + half ** 2) + half

theorem = Theorem(
    id="adabayes_fp.limit",
    title="AdaBayes-FP's inverse step lambda lies in [max(sqrt(vhat)/eta, 1/sigma^2), sqrt(vhat)/eta + 1/sigma^2]: "
          "Adam(W) when vhat/eta^2 >> 1/sigma^4, SGD when vhat/eta^2 << 1/sigma^4",
    algorithm="adabayes_fp",
    function_class="smooth",
    oracle="exact",
    constants=(),
    hyperparameters=(Quantity(lr, "eta: the Adam-limit learning rate"),
                     Quantity(lr_sgd, "the SGD-limit learning rate; sigma^2 = lr_sgd/batch_size")),
    kind="property",
    chain=(
        ChainStep("the code's inverse step", "lambda = sqrt(vhat/eta^2 + (1/(2 sigma^2))^2) + 1/(2 sigma^2)",
                  (zero(lam, sp.sqrt(vhat * lr ** -2 + (B / (2 * lr_sgd)) ** 2) + B / (2 * lr_sgd)),), CODE),
        ChainStep("sandwich",
                  "sqrt(a^2 + h^2) lies between max(a, h) and a + h, so max(a, 2h) <= lambda <= a + 2h",
                  (le(a, lam), le(2 * half, lam), le(lam, a + 2 * half)), DERIVED),
        ChainStep("between Adam and SGD",
                  "1/lambda <= eta/sqrt(vhat) (Adam's step) and 1/lambda <= sigma^2 (SGD's step), and "
                  "1/lambda >= (1/2) min of the two, since a + 2h <= 2 max(a, 2h)",
                  (le(1 / lam, lr / sp.sqrt(vhat)), le(1 / lam, sigma2), le(a + 2 * half, 2 * sp.Max(a, 2 * half))),
                  DERIVED),
        ChainStep("the two limits",
                  "relative distances: lambda/a - 1 <= 2h/a = eta/(sigma^2 sqrt(vhat)) (-> 0: Adam(W), the decay "
                  "being decoupled), and lambda sigma^2 - 1 <= a sigma^2 = sigma^2 sqrt(vhat)/eta (-> 0: SGD)",
                  (le(lam / a - 1, lr / (sigma2 * sp.sqrt(vhat))), le(lam * sigma2 - 1, sigma2 * sp.sqrt(vhat) / lr)),
                  DERIVED),
    ),
    claims=(Claim("limit", "AdaBayes-FP converges to Adam(W) with lr in the high-data limit and to SGD with lr_sgd "
                           "in the low-data limit (checked on runs: trajectory gaps shrink along ladders of lr_sgd "
                           "and of lr)", DOCSTRING),),
    summary="AdaBayes-FP's step is squeezed between Adam(W)'s and SGD's (at least half the smaller); it is Adam(W) "
            "when vhat/eta^2 >> 1/sigma^4 and SGD with momentum when vhat/eta^2 << 1/sigma^4.",
)
