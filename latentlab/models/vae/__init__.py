"""The Kingma & Welling VAE family (seeds 004 and 002): vae, ae and no_encoder modes, KL beta,
denoising, and the PRR / PMLR figures."""
from ..common.contract import Family
from .config import PARAMS

FAMILY = Family(name="vae", params=PARAMS, class_ids=None,
                description="MLP VAE with a Bernoulli decoder; vae | ae | no_encoder, beta, denoising")
