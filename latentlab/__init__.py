"""latentlab: interpretable latent-variable models (VAE family, EXoN, Bi-InfoGAN, IIN) and the
embedding, selection and evaluation tools that compare them; driven by the DVC stages in stages/."""

__version__ = "0.1.0"
