"""Figure functions: arrays in, matplotlib figure out (the caller saves it)."""
import matplotlib

matplotlib.use("Agg")  # files only: stages run without a display
