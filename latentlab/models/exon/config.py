"""EXoN's config and its params.yaml sections (`exon`, and the two experiments built on it:
`path_latent_recon`, `pre_design`), with the checks of those values against the data.
Pure Python: no TensorFlow."""
from __future__ import annotations

from dataclasses import dataclass

from ...params import ParamsError, choice, fraction, integer, number, positive_numbers

PARAMS = {
    "exon": {
        "latent_dim": integer(2),
        "sigma": number(0.0, open_min=True),
        "dist": number(0.0, open_min=True),
        "sigma1": number(0.0, open_min=True),
        "sigma2": number(0.0, open_min=True),
        "beta": number(0.0),
        "lambda1": number(0.0),
        "rampup_epochs": integer(0),
        "rampup_steps": integer(0),
        "eval_ema": fraction(),
        "learning_rate": number(0.0, open_min=True),
        "weight_decay": number(0.0),
        "batch_size": integer(2),
        "labeled_batch_size": integer(1),
        "epochs": integer(1),
        "lr_decay_start": integer(0),
        "lr_milestones": positive_numbers(unique=True),
        "lr_gamma": number(0.0, open_min=True),
        "head_init": choice("zero", "prior"),
        "pseudo_labels": choice("buffer", "inference"),
        "unlabeled_loss": choice("cross_entropy", "squared"),
        "mixup_weights": choice("batch", "example"),
        "augmentation": choice("layers", "original"),
        "mixup_alpha_labeled": number(0.0, open_min=True),
        "mixup_alpha_unlabeled": number(0.0, open_min=True),
    },
    "path_latent_recon": {
        "betas": positive_numbers(unique=True),
    },
    "pre_design": {
        "radii": positive_numbers(unique=True),
        "n_labeled": integer(2),
        "batch_size": integer(2),
        "labeled_batch_size": integer(1),
        "beta": number(0.0),
        "epochs": integer(1),
        "points": integer(2),
        "x_range": number(0.0, open_min=True),
    },
}

# The `exon:` keys that are EXoNConfig fields (the rest are optimizer and schedule settings).
CONFIG_KEYS = ("latent_dim", "sigma", "dist", "sigma1", "sigma2", "beta", "lambda1", "rampup_epochs", "rampup_steps",
               "mixup_alpha_labeled", "mixup_alpha_unlabeled", "head_init", "pseudo_labels", "unlabeled_loss",
               "mixup_weights", "augmentation")
PRE_DESIGN_DIGITS = (0, 1)  # Appendix A.2.2 trains on the zeros and ones only


@dataclass(frozen=True)
class EXoNConfig:
    image_shape: tuple[int, int, int]
    n_classes: int = 10
    architecture: str = "mnist"  # mnist | cifar10 (networks)
    prior_layout: str = ""  # circle | one_hot | x_axis; "" = the architecture's (circle / one_hot)
    radius: float = 0.0  # x_axis (pre_design): components at -radius and +radius on the first axis
    latent_dim: int = 2
    sigma: float = 4.0  # mnist: component covariance sigma * I on a circle
    dist: float = 1.0  # cifar10: component mean dist * e_k ...
    sigma1: float = 0.1  # ... variance sigma1 on the first n_classes dims
    sigma2: float = 1.0  # ... and sigma2 on the others
    beta: float = 0.1
    lambda1: float = 6000.0
    rampup_epochs: int = 10
    rampup_steps: int = 0  # > 0: lambda2's ramp counted in train steps instead, updated every step
    mixup_alpha_labeled: float = 0.1
    mixup_alpha_unlabeled: float = 2.0
    head_init: str = "zero"  # zero (the original) | prior (each class's mean head starts at its component)
    pseudo_labels: str = "buffer"  # buffer (the original: the synced copy in training mode) | inference
    unlabeled_loss: str = "cross_entropy"  # cross_entropy (the original) | squared (ICT's squared error)
    mixup_weights: str = "batch"  # batch (the original: one weight per batch) | example (one per pair)
    augmentation: str = "layers"  # layers (Keras's, continuous) | original (whole degrees and pixels: resample.py)
    seed: int = 0


def config_from_params(settings: dict, image_shape, n_classes: int, seed: int, **overrides) -> EXoNConfig:
    fields = {key: settings[key] for key in CONFIG_KEYS}
    fields.update(overrides)
    architecture = "mnist" if image_shape[-1] == 1 else "cifar10"
    return EXoNConfig(image_shape=tuple(image_shape), n_classes=n_classes, architecture=architecture, seed=seed, **fields)


def check(params: dict, data) -> None:
    """The values of `exon`, `pre_design` that the data cannot take (data: a DataSize), and a beta
    of the path that train_exon already trains."""
    settings, design = params["exon"], params["pre_design"]
    if settings["beta"] in params["path_latent_recon"]["betas"]:
        raise ParamsError(f"path_latent_recon.betas: {settings['beta']:g} is exon.beta, whose point of the path is "
                          f"train_exon's own model; list only the other betas")
    if not data.labeled:
        return  # unlabelled data (CelebA): train_exon refuses to start, with its own message
    n_labeled = params["data"]["n_labeled"]
    if settings["labeled_batch_size"] >= settings["batch_size"]:
        raise ParamsError(f"exon.batch_size: {settings['batch_size']} is the whole batch (labelled + unlabelled), so "
                          f"it must be more than exon.labeled_batch_size ({settings['labeled_batch_size']})")
    if settings["labeled_batch_size"] > n_labeled:
        raise ParamsError(f"exon.labeled_batch_size: {settings['labeled_batch_size']} is more than the "
                          f"{n_labeled} labelled images (data.n_labeled); at most {n_labeled}")
    if data.channels != 1 and settings["latent_dim"] < data.n_classes:
        raise ParamsError(f"exon.latent_dim: the colour-image prior puts one class per dimension: at least "
                          f"{data.n_classes}, got {settings['latent_dim']}")
    if data.channels == 1:
        if design["n_labeled"] % len(PRE_DESIGN_DIGITS):
            raise ParamsError(f"pre_design.n_labeled: {design['n_labeled']} cannot be balanced across the digits "
                              f"0 and 1 (expected a multiple of {len(PRE_DESIGN_DIGITS)})")
        fewest = min(data.train_per_class)
        if design["n_labeled"] // len(PRE_DESIGN_DIGITS) > fewest:
            raise ParamsError(f"pre_design.n_labeled: {design['n_labeled']} needs "
                              f"{design['n_labeled'] // len(PRE_DESIGN_DIGITS)} per digit, but a digit may have as "
                              f"few as {fewest} training images; at most {fewest * len(PRE_DESIGN_DIGITS)}")
    if design["labeled_batch_size"] >= design["batch_size"]:
        raise ParamsError(f"pre_design.batch_size: {design['batch_size']} is the whole batch, so it must be more "
                          f"than pre_design.labeled_batch_size ({design['labeled_batch_size']})")
    if design["labeled_batch_size"] > design["n_labeled"]:
        raise ParamsError(f"pre_design.labeled_batch_size: {design['labeled_batch_size']} is more than the "
                          f"{design['n_labeled']} labelled images (pre_design.n_labeled)")
