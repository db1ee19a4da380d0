"""D-IIN's measures on ColorfulMNIST test pairs (the original logs none): swap one factor of an
image's T(z) for a donor's and check that what the factor means moved with it.

digit_swap_accuracy: the digit factor swapped in, decoded, made grey, named by the project's
  classifier: the fraction named as the donor's digit.
colour_swap_error: the colour factor swapped in, decoded; the decoded background (-colour, where the
  recipient's digit is not) gives the colour, compared per channel with the donor's (mean |error|).
factor_probe_accuracy: a linear probe per factor predicting the digit (5-fold, on the test images).
factor_probe_colour_r2: a linear (ridge) probe per factor predicting the RGB colour, its R^2.
digit_in_other_factors / colour_in_other_factors: the leak, the best of those probes on the factors
  that should not hold it (digit: colour and residual; colour: digit and residual). Chance for the
  digit is about 0.1, for the colour 0.
For reference: the same measures of the plain reconstructions (their ceilings), and how often the
swapped image kept the recipient's own digit.
"""
from __future__ import annotations

import numpy as np

BACKGROUND = 0.1  # a pixel whose grey value is below this is background


def swap_factor(flow, recipients: np.ndarray, donors: np.ndarray, factor: int) -> np.ndarray:
    """The recipients' codes with factor `factor` taken from the donors (same row)."""
    start, stop = flow.factor_slice(factor)
    swapped = recipients.copy()
    swapped[:, start:stop] = donors[:, start:stop]
    return swapped


def grey_version(coloured_unit: np.ndarray) -> np.ndarray:
    """(N, H, W, 3) images in [0, 1] of a digit times a colour to (N, H, W, 1) grey digits in [0, 1]:
    each image's pixels (in [-1, 1]) lie on a line through 0 along its colour; project them on
    that line's direction (the top singular vector), background negative, and scale to [0, 1]."""
    out = np.empty(coloured_unit.shape[:3] + (1,), np.float32)
    for i, image in enumerate(coloured_unit):
        pixels = image.reshape(-1, 3).astype(np.float64) * 2.0 - 1.0
        direction = np.linalg.svd(pixels, full_matrices=False)[2][0]
        s = pixels @ direction
        if np.median(s) > 0:  # the background, most of the image, is -colour
            s = -s
        span = s.max() - s.min()
        out[i, ..., 0] = ((s - s.min()) / span if span > 0 else np.zeros_like(s)).reshape(image.shape[:2])
    return out


def background_colour(decoded_unit: np.ndarray, background: np.ndarray) -> np.ndarray:
    """The colour of each decoded image: minus its mean over the background pixels, in [-1, 1] units."""
    symmetric = decoded_unit * 2.0 - 1.0
    weights = background[..., None].astype(np.float64)
    return -(symmetric * weights).sum(axis=(1, 2)) / np.maximum(weights.sum(axis=(1, 2)), 1.0)


def recipient_background(pairs_x_symmetric: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """Where each test image's digit is not: its grey value ((x / colour + 1) / 2 on its brightest
    channel) below BACKGROUND."""
    channel = np.argmax(colours, axis=1)
    x = np.take_along_axis(pairs_x_symmetric, channel[:, None, None, None], axis=3)[..., 0]
    c = np.maximum(colours[np.arange(len(colours)), channel], 1e-3)[:, None, None]
    return (x / c + 1.0) / 2.0 < BACKGROUND


def swap_metrics(model, classify, test: dict, seed: int) -> dict:
    """`model`: a TrainedIIN with a FactorNetwork; `classify`: grey images in [0, 1] -> digit labels;
    `test`: colorful_test.npz. Recipients are the first images of the pairs, donors the same images
    in a fixed random order."""
    x_symmetric, labels, colours = test["x1"], test["y1"], test["colour1"]
    x_unit = (x_symmetric + 1.0) / 2.0
    donor = np.random.default_rng(seed).permutation(len(labels))
    codes = model.encode(x_unit)
    factor = {name: i for i, name in enumerate(model.flow.factor_names)}

    digit_swapped = model.decode(swap_factor(model.flow, codes, codes[donor], factor["digit"]))
    named = classify(grey_version(digit_swapped))
    colour_swapped = model.decode(swap_factor(model.flow, codes, codes[donor], factor["colour"]))
    estimated = background_colour(colour_swapped, recipient_background(x_symmetric, colours))
    reconstructions = model.decode(codes)
    reconstructed = background_colour(reconstructions, recipient_background(x_symmetric, colours))

    probes = factor_probes(model.flow.factor_names, model.flow.split(codes), labels, colours, seed)
    return {
        "digit_swap_accuracy": round(float(np.mean(named == labels[donor])), 4),
        "digit_kept_by_recipient": round(float(np.mean(named == labels)), 4),
        # the ceiling of digit_swap_accuracy: the classifier on the grey version of reconstructions
        "digit_reconstruction_accuracy": round(float(np.mean(classify(grey_version(reconstructions)) == labels)), 4),
        "colour_swap_error": round(float(np.mean(np.abs(estimated - colours[donor]))), 4),
        "colour_reconstruction_error": round(float(np.mean(np.abs(reconstructed - colours))), 4),
        **probes,
        "n_pairs": int(len(labels)),
    }


def factor_probes(names, parts, labels: np.ndarray, colours: np.ndarray, seed: int) -> dict:
    """Linear probes of each factor (`parts`, one array per name of `names`): the digit's 5-fold
    accuracy (logistic regression) and the colour's 5-fold R^2 (ridge), and the leak: the best
    digit probe outside the digit factor, the best colour probe outside the colour factor."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    by_digit, plain = StratifiedKFold(5, shuffle=True, random_state=seed), KFold(5, shuffle=True, random_state=seed)
    digit, colour = {}, {}
    for name, part in zip(names, parts):
        digit[name] = round(float(cross_val_score(LogisticRegression(max_iter=2000), part, labels, cv=by_digit).mean()), 4)
        colour[name] = round(float(cross_val_score(Ridge(1.0), part, colours, cv=plain, scoring="r2").mean()), 4)
    return {
        "factor_probe_accuracy": digit,
        "factor_probe_colour_r2": colour,
        "digit_in_other_factors": max(v for k, v in digit.items() if k != "digit"),
        "colour_in_other_factors": max(v for k, v in colour.items() if k != "colour"),
    }
