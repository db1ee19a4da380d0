"""What every model family shares: the downstream contract, persistence, input pipelines,
training guards and pixel ranges. Pure Python at import; TensorFlow only inside functions."""
