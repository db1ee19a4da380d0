"""EXoN (seed 000): a semi-supervised VAE with a class-mixture prior, its beta sweep
(path_latent_recon) and the pre_design experiment."""
from ..common.contract import Family
from .config import PARAMS, check

FAMILY = Family(name="exon", params=PARAMS, class_ids="labels", check=check,
                description="semi-supervised VAE, one prior component per class, its own classifier q(y|x)")
