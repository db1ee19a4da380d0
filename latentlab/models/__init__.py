"""One module per model family: networks, losses and a keras.Model with its own train_step."""
