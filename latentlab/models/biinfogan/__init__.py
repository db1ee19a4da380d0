"""Bidirectional InfoGAN (seed 001): a GAN with an encoder whose categorical and continuous codes
are learned without labels; the categorical code is scored as a clustering of the digits."""
from ..common.contract import Family
from .config import PARAMS, check

FAMILY = Family(name="biinfogan", params=PARAMS, class_ids="clusters", check=check,
                description="GAN + encoder (BiGAN) with InfoGAN's categorical and continuous codes, unsupervised")
