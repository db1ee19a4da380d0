"""EXoN's beta path, as the authors measured it (logs/mnist_100/beta_path.csv and the
path_latent_recon figure): the measures of one trained model, taken the same way for train_exon's
own beta and for each beta of the sweep (exon_beta), each model's point file, and the authors'
values to set beside ours. Pure numpy at import; the measures need a trained model."""
from __future__ import annotations

import numpy as np

from ...io import save_npz
from .config import EXoNConfig
from .interpretation import (code_in_component, conditional_accuracy, conditional_accuracy_ceiling, grid_negative_ssim,
                             latent_grid, mean_kl)
from .prior import prior_parameters

CONDITIONAL_SAMPLES = 1000  # decoded prior samples, 100 per component, judged by the classifier
GRID_POINTS, GRID_LIMIT = 11, 15.0  # the original's figure: an 11 x 11 grid over [-15, 15]^2
SSIM_POINTS = 31  # the original's neg_ssim: a 31 x 31 grid over the same square

MEASURES = ("test_accuracy", "conditional_accuracy", "code_in_component", "kl", "neg_ssim", "fid")

# The authors' fully trained MNIST-100 models (60k images, 100 epochs), by beta. test_accuracy
# (1 - test error), neg_ssim and kl: their logs/mnist_100/beta_path.csv. code_in_component and
# conditional_accuracy: measured from their saved figures (../shared/SPEC.md, section 2). They
# report no FID.
AUTHORS = {
    0.1: {"test_accuracy": 0.9671, "neg_ssim": 0.430, "kl": 19.654, "code_in_component": 0.43, "conditional_accuracy": 0.40},
    0.5: {"test_accuracy": 0.9675, "neg_ssim": 0.440, "kl": 8.481, "code_in_component": 0.74, "conditional_accuracy": 0.59},
    5.0: {"test_accuracy": 0.9626, "neg_ssim": 0.439, "kl": 4.064, "code_in_component": 0.85, "conditional_accuracy": 0.75},
    50.0: {"test_accuracy": 0.9662, "neg_ssim": 0.316, "kl": 1.855, "code_in_component": 0.87, "conditional_accuracy": 0.42},
}


def measure(model, config: EXoNConfig, posterior: tuple, y_test: np.ndarray, judge, seed: int) -> tuple[dict, np.ndarray]:
    """A trained EXoN, its `posterior` of the test images (model.posterior: means, log-variances,
    class probabilities; the caller's figures use it too) and their labels: the beta path's
    measures but FID (`judge`, the project's classifier on [0, 1] images, names the digits decoded
    from each prior component), and the test codes (each image's posterior mean for its predicted
    class)."""
    from ..common.pixels import to_unit_range

    mean, log_variance, probabilities = posterior
    predicted = probabilities.argmax(axis=1)
    codes = mean[np.arange(len(mean)), predicted]
    z_prior, components = model.sample_prior(CONDITIONAL_SAMPLES, seed)
    judged = judge.predict(to_unit_range(model.decode(z_prior)), batch_size=500, verbose=0).argmax(axis=1)
    metrics = {
        "test_accuracy": float(np.mean(predicted == y_test)),
        "conditional_accuracy": conditional_accuracy(judged, components),
        "conditional_accuracy_ceiling": conditional_accuracy_ceiling(config),
        "code_in_component": code_in_component(codes, y_test, *prior_parameters(config)),
        "kl": mean_kl(mean, log_variance, probabilities, config),
        "neg_ssim": grid_negative_ssim(model.decode(latent_grid(GRID_LIMIT, SSIM_POINTS, config.latent_dim))),
    }
    return metrics, codes


def save_point(path, beta: float, model, config: EXoNConfig, codes: np.ndarray, labels: np.ndarray,
               metrics: dict) -> None:
    """One point of the path for path_latent_recon: the measures, the test codes and labels, and
    the images decoded on the original's 11 x 11 grid."""
    from ..common.pixels import to_unit_range

    grid = to_unit_range(model.decode(latent_grid(GRID_LIMIT, GRID_POINTS, config.latent_dim)))
    save_npz(path, beta=np.float64(beta), z=codes, y=labels, grid=grid, grid_limit=np.float64(GRID_LIMIT),
             **{name: np.float64(value) for name, value in metrics.items()})
