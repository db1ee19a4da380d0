"""IIN (seed 003): an invertible interpretation network T over a trained autoencoder's latent, which
maps it to N(0, I) (unsupervised IIN), or splits it into digit, colour and residual factors
learned from pairs that share one (D-IIN, on ColorfulMNIST)."""
from ..common.contract import Family
from .config import PARAMS, check

FAMILY = Family(name="iin", params=PARAMS, check=check,
                description="autoencoder + normalizing flow T to N(0, I); D-IIN splits T(z) into factors")
