"""The one glossary of names shared by theory/ and reference/ (tests/test_glossary.py checks it).

A theorem names its constants, hyperparameters, measured quantities and measures with these;
an objective publishes its constants under them; an optimizer takes hyperparameters by them.
"""

CONSTANTS = {
    "L": "gradient Lipschitz constant: ||grad f(x) - grad f(y)|| <= L ||x - y||",
    "Delta": "initial gap f(x_0) - f*, or an upper bound on it (f(x_0) - f_low)",
    "sigma": "oracle noise level: E g = grad f(x) and E||g - grad f(x)||^2 <= sigma^2",
    "f_star": "inf f, exactly",
    "f_low": "a proved lower bound on inf f (when inf f is not known)",
    "component_variance": "sup_x (1/n) sum_i ||grad f_i(x) - grad f(x)||^2 for a finite sum",
    "G": "a bound on the gradient oracle's answers: ||g||_inf <= G almost surely (exact oracle: ||grad f(x)||_inf <= G)",
    "G2": "the same bound in the Euclidean norm: ||g||_2 <= G2 almost surely",
    "tau": "almost-surely bounded noise: ||g - grad f(x)||_2 <= tau",
    "L0": "(L0,L1)-smoothness: ||Hess f(x)|| <= L0 + L1 ||grad f(x)|| (coordinate-wise: per coordinate)",
    "L1": "(L0,L1)-smoothness: the gradient-proportional part of the local smoothness",
    "M": "sup ||grad f(x)|| on the sublevel set {f <= f(x_0)} (assumption A4 of fixed-step GD; per run)",
    "mu": "Polyak-Lojasiewicz constant: f(x) - f* <= ||grad f(x)||^2/(2 mu) for all x (a strongly convex "
          "quadratic's smallest eigenvalue); also the curvature of the quadratic witness block (mu/2)||y||^2 of "
          "the clipping card's objectives (a parameter there, not a published constant)",
    "h_max": "largest fixed GD step that can converge from the witness start (card section 10.1)",
    "y0": "norm of the witness block at the start, ||y_0||",
    "c_r": "radius factor of the (L0,L1) descent lemma: it holds for ||y - x|| <= c_r / L1",
    "D0": "affine noise variance: E g_i^2 <= D0 + D1 (d_i f)^2 per coordinate (card: D0 = sigma^2)",
    "D1": "affine noise variance: the gradient-proportional part (card: D1 = 1 + s^2)",
    "c": "the unknown universal constant of a lower bound",
    "gap": "f(x_0) - f(x_T) on the run itself",
}

HYPERPARAMETERS = {
    "lr": "step size (learning rate); may be a schedule",
    "momentum": "momentum coefficient mu (heavy ball, NAG)",
    "dampening": "torch SGD dampening tau of the momentum buffer",
    "beta1": "first-moment (momentum) EMA coefficient of Adam and signum: m = beta1 m + (1 - beta1) g",
    "beta2": "second-moment EMA coefficient: v = beta2 v + (1 - beta2) g^2 (torch RMSprop's alpha)",
    "xi": "denominator shift added outside the square root, sqrt(v) + xi (torch's eps; De et al.'s xi)",
    "xi_root": "shift added inside the square root, sqrt(v + xi_root) (optax's eps_root)",
    "clip": "clipping threshold gamma: steps min(lr, clip * lr/||g||) (hard) or the soft form",
    "nu": "weight of the momentum direction in the clipping framework (nu = 0: clipped GD)",
    "weight_decay": "weight decay lambda (coupled L2, decoupled AdamW, or proximal; the optimizer's convention says which)",
    "q": "decay exponent of the power schedule lr_k = lr (k+1)^-q (reference.schedules.power)",
    "alpha": "INNA/DIN viscous damping alpha > 0 (Castera et al. 2021): the alpha theta' term of DIN "
             "(not torch RMSprop's alpha, which is beta2 here)",
    "beta": "INNA/DIN Hessian damping beta > 0 (Castera et al. 2021): the beta Hess J theta' term of DIN, "
            "beta g in INNA's step (not an EMA coefficient; those are beta1, beta2)",
    "prior_var": "Bayesian filtering (Aitchison): stationary prior variance sigma^2 of the latent optimum; "
                 "sets the decay lr^2/(2 sigma^2) of the mean (inf: no decay)",
    "init_var": "Bayesian filtering: initial posterior variance of each weight, sigma^2_post(0)",
    "lr_p": "BAdam's eta_p: momentum decay and noise of the latent (weight, momentum) prior (Adam's 1 - beta1)",
    "lr_w": "BAdam's eta_w: direct random-walk step of the latent weight",
    "lr_sgd": "AdaBayes' SGD-limit learning rate; its prior variance is sigma^2 = lr_sgd/batch_size",
    "weight_drift": "AdaBayes' decoupled decay: x <- x (1 - weight_drift) after each step",
    "batch_size": "AdaBayes' batch size B: the mean-loss gradient is rescaled to B g",
}

# The hyperparameter names of the libraries convcheck.adapters wraps, mapped to the glossary's. A tuple maps
# one argument to several names (torch's betas). "torch.<Class>" / "optax.<factory>" entries refine the
# library's table for one optimizer, where a library name means something else there.
LIBRARY_NAMES = {
    "torch": {"lr": "lr", "betas": ("beta1", "beta2"), "eps": "xi", "weight_decay": "weight_decay",
              "momentum": "momentum", "dampening": "dampening"},
    "torch.RMSprop": {"alpha": "beta2"},  # its EMA coefficient (INNA's alpha is a damping)
    "optax": {"learning_rate": "lr", "b1": "beta1", "b2": "beta2", "eps": "xi", "eps_root": "xi_root",
              "weight_decay": "weight_decay", "momentum": "momentum"},
    # optax.rmsprop's eps sits inside the root unless eps_in_sqrt=False (then it is xi; the adapter says which)
    "optax.rmsprop": {"decay": "beta2", "eps": "xi_root"},
}

HORIZON = {
    "eps": "target accuracy: ||grad f|| <= eps, i.e. a squared measure <= eps^2 (a function gap <= eps)",
    "T": "horizon: number of steps or gradients, as the measure states",
}

MEASURED = {
    "f": "f(x_t)",
    "f_next": "f(x_{t+1})",
    "grad_sq": "||grad f(x_t)||^2",
    "grad_sq_next": "||grad f(x_{t+1})||^2",
    "inner": "<grad f(x_t), g_t>, g_t the oracle's answer",
    "oracle_sq": "||g_t||^2",
    "state_sq": "||s_t||^2, s_t the state vector of the one-step inequality's potential (e.g. x_t - x_{t-1})",
    "state_sq_next": "||s_{t+1}||^2, the potential's state vector after the step",
    "f_z": "f(z_t), z_t = x_t + k s_t the potential's shifted point (e.g. SGD momentum's shadow iterate)",
    "f_z_next": "f(z_{t+1}), the potential's shifted point after the step",
}

MEASURES = {
    "min_grad_sq_before_T": "min_{0<=t<T} ||grad f(x_t)||^2 (T gradients, at x_0..x_{T-1})",
    "min_grad_sq_through_T": "min_{0<=t<=T} ||grad f(x_t)||^2 (T steps, T+1 gradients)",
    "expected_grad_sq_random_index": "E||grad f(x_R)||^2 with R uniform on the first T iterates",
    "mean_grad_norm_before_T": "(1/T) sum_{t<T} E||grad f(x_t)|| (not squared: reaches eps, not eps^2)",
    "gap_last_iterate": "f(x_T) - f* at the last iterate, after T steps (a function gap: reaches eps, not eps^2)",
}

FUNCTION_CLASSES = {
    "L-smooth": "differentiable with L-Lipschitz gradient",
    "L-smooth PL": "L-smooth and Polyak-Lojasiewicz: f(x) - f* <= ||grad f(x)||^2/(2 mu) for every x (may be nonconvex)",
    "nonsmooth-tame": "locally Lipschitz, semialgebraic (tame); grad is a Clarke-subgradient selection",
    "smooth": "twice differentiable, no global smoothness constant claimed (e.g. neural-network losses)",
    "(L0,L1)-smooth": "twice differentiable with ||Hess f(x)|| <= L0 + L1 ||grad f(x)||",
    "coordinate-wise (L0,L1)-smooth": "separable-style: |d_ii f| and gradient changes bounded per coordinate by "
                                      "L0_i + L1_i |d_i f| (Zhang-Zhou-Zou's class)",
}

ORACLES = {
    "exact": "g = grad f(x)",
    "bounded_variance": "unbiased, E||g - grad f||^2 <= sigma^2, independent across steps",
    "bounded": "unbiased, E||g - grad f||^2 <= sigma^2, independent across steps, and ||g||_inf <= G almost surely",
    "bounded_noise": "unbiased with ||g - grad f||_2 <= tau almost surely, independent across steps",
    "affine_variance": "unbiased, per coordinate E g_i^2 <= D0 + D1 (d_i f)^2, independent across steps",
    "importance_sampled": "finite sum f = (1/N) sum f_i; g = (1/b) sum_j grad f_{i_j}/(N p_{i_j}), i_j i.i.d. from p",
}

NAMES = {**CONSTANTS, **HYPERPARAMETERS, **HORIZON, **MEASURED}


def meaning(name: str) -> str:
    for table in (NAMES, MEASURES, FUNCTION_CLASSES, ORACLES):
        if name in table:
            return table[name]
    raise KeyError(f"{name!r} is not in the glossary")
