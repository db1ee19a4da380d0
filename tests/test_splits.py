import numpy as np
import pytest

from latentlab.data.colorful_mnist import colorize, make_pairs
from latentlab.data.splits import balanced_labeled_subset, stratified_split
from latentlab.models.common.pixels import to_symmetric_range, to_unit_range
from latentlab.params import ParamsError

LABELS = np.repeat(np.arange(10), 50)


def test_stratified_split_keeps_class_proportions_and_is_seeded():
    train, test = stratified_split(LABELS, 0.2, seed=0)
    assert len(train) == 400 and len(test) == 100 and not set(train) & set(test)
    np.testing.assert_array_equal(np.bincount(LABELS[test]), [10] * 10)
    np.testing.assert_array_equal(stratified_split(LABELS, 0.2, seed=0)[1], test)
    assert not np.array_equal(stratified_split(LABELS, 0.2, seed=1)[1], test)


def test_balanced_subset_counts_and_seed():
    chosen = balanced_labeled_subset(LABELS, 30, seed=3)
    np.testing.assert_array_equal(np.bincount(LABELS[chosen]), [3] * 10)
    np.testing.assert_array_equal(balanced_labeled_subset(LABELS, 30, seed=3), chosen)


def test_balanced_subset_refuses_impossible_budgets():
    with pytest.raises(ParamsError, match="data.n_labeled: 600 is larger than the train split"):
        balanced_labeled_subset(LABELS, 600, seed=0)
    with pytest.raises(ParamsError, match="multiple of 10"):
        balanced_labeled_subset(LABELS, 25, seed=0)
    skewed = np.concatenate([np.zeros(100, int), np.ones(2, int)])
    with pytest.raises(ParamsError, match="class 1 has 2"):
        balanced_labeled_subset(skewed, 10, seed=0)


def test_unlabelled_data_has_no_labelled_subset():
    assert balanced_labeled_subset(np.full(10, -1), 4, seed=0).size == 0


def test_colorize_multiplies_symmetric_digit_by_colour():
    image = np.array([[[[0.0], [1.0]]]], np.float32)  # background 0 and stroke 1
    colour = np.array([[0.5, 0.25, 1.0]], np.float32)
    out = colorize(image, colour)
    np.testing.assert_allclose(out[0, 0, 0], -colour[0])
    np.testing.assert_allclose(out[0, 0, 1], colour[0])
    np.testing.assert_allclose(to_symmetric_range(np.array([0.0, 0.5, 1.0])), [-1, 0, 1])
    np.testing.assert_allclose(to_unit_range(np.array([-1.0, 0.0, 1.0])), [0, 0.5, 1])


def test_pairs_share_exactly_their_factor():
    rng = np.random.default_rng(0)
    images = rng.random((200, 4, 4, 1)).astype(np.float32)
    labels = np.arange(200) % 10
    pairs = make_pairs(images, labels, 400, rng)
    digit, colour = pairs["factor"] == 0, pairs["factor"] == 1
    assert 150 < digit.sum() < 250
    np.testing.assert_array_equal(pairs["y1"][digit], pairs["y2"][digit])
    np.testing.assert_array_equal(pairs["colour1"][colour], pairs["colour2"][colour])
    assert (np.abs(pairs["colour1"][digit] - pairs["colour2"][digit]).sum(axis=1) > 0).all()
    assert pairs["x1"].shape == (400, 4, 4, 3) and pairs["x1"].min() >= -1 and pairs["x1"].max() <= 1
