"""The evidence lower bound of a Bernoulli-decoder VAE with a standard normal prior, in nats."""
from __future__ import annotations

import numpy as np


def bernoulli_nll(x: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """-log p(x | logits) summed over all but the first axis; stable for any logit."""
    nll = np.logaddexp(0.0, logits) - x * logits
    return nll.reshape(len(x), -1).sum(axis=1)


def gaussian_kl(mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """KL(N(mean, diag std^2) || N(0, I)) per row."""
    return 0.5 * np.sum(mean**2 + std**2 - 2.0 * np.log(std) - 1.0, axis=1)


def elbo_summary(reconstruction_nll: np.ndarray, kl: np.ndarray | None) -> dict[str, float]:
    """Mean test ELBO and reconstruction term; without a posterior (ae mode) no ELBO exists."""
    summary = {"test_bce_nats": float(np.mean(reconstruction_nll))}
    if kl is not None:
        summary["test_kl_nats"] = float(np.mean(kl))
        summary["test_elbo_nats"] = -float(np.mean(reconstruction_nll + kl))
    return summary
