"""A small CNN classifier: the FID feature extractor, the judge of class-conditional samples and
the supervised upper bound. Its penultimate layer is named `features`."""
from __future__ import annotations

import keras
from keras import layers

FEATURES = "features"


def build_classifier(
    image_shape: tuple[int, int, int],
    n_classes: int,
    width: int = 32,
    feature_dim: int = 128,
    dropout: float = 0.3,
    augment: bool = True,
    seed: int = 0,
) -> keras.Model:
    """2 x conv(w) -> pool -> 2 x conv(2w) -> pool -> dense `features` -> dropout -> softmax.

    Augmentation (shifts of up to 2 pixels, +-8 degree rotations) acts in training only."""
    image = keras.Input(image_shape, name="image")
    h = image
    if augment:
        h = layers.RandomTranslation(2 / image_shape[0], 2 / image_shape[1], fill_mode="constant", seed=seed)(h)
        h = layers.RandomRotation(8 / 360, fill_mode="constant", seed=seed + 1)(h)
    for multiple in (1, 2):
        h = layers.Conv2D(width * multiple, 3, padding="same", activation="relu")(h)
        h = layers.Conv2D(width * multiple, 3, padding="same", activation="relu")(h)
        h = layers.MaxPooling2D()(h)
    h = layers.Flatten()(h)  # keeps where strokes are, which pooling over the map would lose
    h = layers.Dense(feature_dim, activation="relu", name=FEATURES)(h)
    h = layers.Dropout(dropout)(h)
    probabilities = layers.Dense(n_classes, activation="softmax", name="class_probabilities")(h)
    return keras.Model(image, probabilities, name="classifier")


def feature_extractor(classifier: keras.Model) -> keras.Model:
    """The classifier up to its penultimate layer (augmentation is inactive at inference)."""
    return keras.Model(classifier.input, classifier.get_layer(FEATURES).output, name="classifier_features")
