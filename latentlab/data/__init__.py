"""Datasets: where their files come from (sources), how they are read (formats), fetched and
verified (download), split and scaled (splits), derived (colorful_mnist), and written as PNG
files (image_files)."""
