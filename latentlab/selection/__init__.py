"""Choosing a small budget of representative real images from a latent space: DBSCAN + Vote-MI
(seed 002), and the baselines it must beat (random, k-medoids)."""
