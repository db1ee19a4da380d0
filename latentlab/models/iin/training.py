"""What IIN's train stages run besides fit(): the images at the networks' size, the flows'
training data (the frozen encoder's posteriors), and the metrics of each trained part."""
from __future__ import annotations

import numpy as np
from keras import ops

from ...data.colorful_mnist import make_pairs
from .images import to_network_size
from .model import Autoencoder, FactorNetwork, InterpretationNetwork


def colorful_pairs_posteriors(autoencoder: Autoencoder, grey: np.ndarray, labels: np.ndarray, epochs: int,
                              seed: int) -> dict[str, np.ndarray]:
    """D-IIN's training data: for every epoch a fresh set of len(grey) ColorfulMNIST pairs (each
    sharing the digit or the colour, new colours each time, as the original's training set draws
    them), encoded by the frozen autoencoder into (mean, log-variance) of both images."""
    rng = np.random.default_rng(seed)
    grey = (to_network_size(grey) * 255.0 + 0.5) / 256.0  # the dequantised grid at u = 1/2
    parts = {k: [] for k in ("mean1", "logvar1", "mean2", "logvar2", "factor")}
    for _ in range(epochs):
        pairs = make_pairs(grey, labels, len(grey), rng)
        for i in (1, 2):
            mean, logvar = autoencoder.posterior(pairs[f"x{i}"])
            parts[f"mean{i}"].append(mean)
            parts[f"logvar{i}"].append(logvar)
        parts["factor"].append(pairs["factor"].astype(np.int32))
    return {k: np.concatenate(v) for k, v in parts.items()}


def autoencoder_metrics(autoencoder: Autoencoder, x_network: np.ndarray, seed: int) -> dict:
    """Test L1 (per pixel, [-1, 1] scale, one z per image) and KL (nats per image) of the autoencoder."""
    import keras

    keras.utils.set_random_seed(seed)
    l1, kl, n = 0.0, 0.0, 0
    for i in range(0, len(x_network), 500):
        batch = ops.convert_to_tensor(x_network[i: i + 500])
        _, _, _, batch_kl, batch_l1 = autoencoder.terms(batch, training=False)
        l1 += float(batch_l1) * len(batch)
        kl += float(batch_kl) * len(batch)
        n += len(batch)
    return {"test_l1": round(l1 / n, 5), "test_kl": round(kl / n, 4)}


def sampled_z(autoencoder: Autoencoder, x_network: np.ndarray, seed: int) -> np.ndarray:
    mean, logvar = autoencoder.posterior(x_network)
    return (mean + np.exp(0.5 * logvar) * np.random.default_rng(seed).standard_normal(mean.shape)).astype(np.float32)


def flow_metrics(flow: InterpretationNetwork | FactorNetwork, z: np.ndarray) -> dict:
    """The flow's test negative log-likelihood of sampled z, nats per dimension (lower is better; a
    standard normal z scores 0.5 log(2 pi e) = 1.419)."""
    return {"test_nll_per_dim": round(flow.nll_per_dim(z), 4)}


def first_batch_z(mean: np.ndarray, logvar: np.ndarray, batch_size: int, seed: int) -> np.ndarray:
    """z drawn for a first batch of the training set: what the flow's ActNorms initialise on."""
    rng = np.random.default_rng(seed)
    rows = rng.permutation(len(mean))[:batch_size]
    return (mean[rows] + np.exp(0.5 * logvar[rows]) * rng.standard_normal(mean[rows].shape)).astype(np.float32)
