"""A trained IIN folder (the autoencoder and T over its latent) as the downstream contract.

encode: T of the posterior mean (the interpretable space, N(0, I) if T has learned);
decode: the autoencoder's decoder of T^-1(code), resized back to the data's size;
sample: decode of N(0, I) draws; references: the autoencoder's own reconstructions and
decode(N(0, I)) samples, which evaluate_fid scores beside IIN's samples (the flow's gain).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..common.contract import Example, LatentModel
from .config import AutoencoderConfig, FlowConfig
from .model import Autoencoder, InterpretationNetwork, adam
from .networks import data_initialise
from .images import network_input, to_data_size, to_network_size


class TrainedIIN:
    """The autoencoder and T together, NumPy in and out; images in [0, 1] at the data's size."""

    def __init__(self, autoencoder: Autoencoder, flow: InterpretationNetwork):
        self.autoencoder, self.flow = autoencoder, flow
        self.shape = autoencoder.config.image_shape[:2]

    def posterior_mean(self, images: np.ndarray) -> np.ndarray:
        return self.autoencoder.posterior(network_input(images))[0]

    def encode(self, images: np.ndarray) -> np.ndarray:
        return self.flow.transform(self.posterior_mean(images))

    def decode_z(self, z: np.ndarray) -> np.ndarray:
        return to_data_size(self.autoencoder.decode(np.asarray(z, np.float32)), self.shape)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        return self.decode_z(self.flow.invert(np.asarray(codes, np.float32)))

    def normal(self, n: int, seed: int) -> np.ndarray:
        return np.random.default_rng(seed).standard_normal((n, self.flow.config.dim)).astype(np.float32)

    def sample(self, n: int, seed: int) -> np.ndarray:
        return self.decode(self.normal(n, seed))

    def references(self, images: np.ndarray, seed: int) -> dict[str, np.ndarray]:
        return {"autoencoder_reconstructions": self.decode_z(self.posterior_mean(images)),
                "autoencoder_prior_samples": self.decode_z(self.normal(len(images), seed))}

    def save_to(self, folder: str | Path) -> None:
        self.autoencoder.save_to(folder)
        self.flow.save_to(folder)

    @classmethod
    def load_from(cls, folder: str | Path, flow_class=InterpretationNetwork) -> "TrainedIIN":
        return cls(Autoencoder.load_from(folder), flow_class.load_from(folder))


def load(folder: str | Path) -> LatentModel:
    iin = TrainedIIN.load_from(folder)
    return LatentModel(encode=iin.encode, decode=iin.decode, sample=iin.sample, references=iin.references)


def example(x: np.ndarray, y: np.ndarray, seed: int) -> Example:
    """A tiny autoencoder and flow on images `x` in [0, 1] (labels unused): the contract test's
    subject. `train(steps)` trains both; `loss()` is the autoencoder's objective at z = mean."""
    import keras
    from keras import ops

    from .model import mid_dequantise

    settings = {"base_learning_rate": 3e-3 / len(x), "batch_size": len(x), "beta1": 0.5, "beta2": 0.9,
                "decay_start": None}
    autoencoder = Autoencoder(AutoencoderConfig(image_shape=tuple(x.shape[1:]), z_dim=8, width=0.0625, seed=seed))
    autoencoder.compile(adam(settings, 1000))
    flow = InterpretationNetwork(FlowConfig(dim=8, n_blocks=2, hidden_dim=16, hidden_depth=1, seed=seed))
    flow.compile(adam(settings, 1000))
    images = to_network_size(x)
    fixed = mid_dequantise(ops.convert_to_tensor(images))
    autoencoder.initialise(images)
    data_initialise(flow.network, autoencoder.encoder(fixed)[0])

    class Pair(keras.Model):  # one object whose weights are both parts'
        def __init__(self):
            super().__init__()
            self.autoencoder, self.flow = autoencoder, flow

    def train(steps: int) -> None:
        autoencoder.fit(images, batch_size=len(images), epochs=steps, verbose=0, shuffle=False)
        flow.fit(autoencoder.posterior(ops.convert_to_numpy(fixed)), batch_size=len(images), epochs=steps,
                 verbose=0, shuffle=False)

    def loss() -> float:
        _, _, nll, kl, _ = autoencoder.terms(fixed, training=False, sample=False)
        return float(nll + kl)

    return Example(model=Pair(), train=train, loss=loss, save=TrainedIIN(autoencoder, flow).save_to)
