"""Datasets: where their files come from (sources), how they are read (formats), fetched and
verified (download), split and scaled (splits), and derived (colorful_mnist)."""
