"""The model families, one package each (vae, exon), the registry that finds them (family.py),
what they share (common/), and the project's own networks for FID (classifier, inception)."""
