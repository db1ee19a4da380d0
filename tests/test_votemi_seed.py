import warnings

import numpy as np
import pytest

from latentlab.selection.votemi_seed import (
    kernel_log_density,
    max_mutual_information,
    mcmc_candidates,
    min_mutual_information,
    mutual_information_matrix,
    proportional_quotas,
    select_seed_rule,
)

CENTRES = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0]])
SIZES = (200, 150, 100)  # per-cluster raw picks int(0.1 n) - 5: 15, 10, 5


def _toy(seed=0, tiny=4, noise=10):
    """Three blobs (clusters 0-2), a `tiny`-point cluster 3 far away and `noise` noise points."""
    rng = np.random.default_rng(seed)
    parts = [c + 0.3 * rng.normal(size=(n, 2)) for c, n in zip(CENTRES, SIZES)]
    labels = [np.full(n, k) for k, n in enumerate(SIZES)]
    if tiny:
        parts.append(np.array([3.0, 3.0]) + 0.05 * rng.normal(size=(tiny, 2)))
        labels.append(np.full(tiny, 3))
    if noise:
        parts.append(rng.uniform(-1.5, 4.5, size=(noise, 2)))
        labels.append(np.full(noise, -1))
    return np.concatenate(parts), np.concatenate(labels)


def _decode(codes):
    """6x6 float images of a soft spot placed by the code, quantised to 4 grey levels so that the
    seed's MI on raw float pixels (each distinct value a label) is informative."""
    codes = np.asarray(codes, dtype=np.float64)
    grid = np.arange(6.0)
    rows = np.exp(-0.5 * (grid[None, :] - (1.0 + codes[:, :1])) ** 2)
    cols = np.exp(-0.5 * (grid[None, :] - (1.0 + codes[:, 1:])) ** 2)
    return (np.round(3 * rows[:, :, None] * cols[:, None, :]) / 3).astype(np.float32)


@pytest.fixture(scope="module")
def toy():
    """The toy and its selection with MCMC points only voting in the global pass (with the seed's
    competition the toy's global 10% holds few real points: 0 for seed 0, 2 for seed 3)."""
    z, clusters = _toy()
    return z, clusters, select_seed_rule(z, clusters, _decode, budget=1, seed=0, candidates_compete=False)


def test_mutual_information_matches_sklearn_on_raw_float_pixels():
    from sklearn.metrics import mutual_info_score

    rng = np.random.default_rng(0)
    a = (np.round(rng.random((6, 5, 5)) * 4) / 7).astype(np.float32)
    b = (np.round(rng.random((4, 5, 5)) ** 2, 1) + 0.01).astype(np.float32)
    a[2] = b[1]  # identical images
    a[4] = 0.3  # one grey level: MI 0
    b[3, :2] = 0.123456  # mostly distinct floats
    b[3, 2:] = rng.random((3, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns that float labels look continuous
        expected = np.array([[mutual_info_score(x.flatten(), y.flatten()) for y in b] for x in a])
    got = mutual_information_matrix(a, b)
    assert got.shape == (6, 4)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert got[4].tolist() == [0.0] * 4 and expected[2, 1] > 0.5


def test_min_aggregation_ranks_consistent_agreement_above_a_high_mean():
    """A matches 9 of 10 candidates perfectly but is independent of the 10th (min 0, mean 0.9 log 2);
    B = P + Q shares half a bit with every candidate (min = mean = 0.5 log 2)."""
    p = np.tile([0.1, 0.7], 8)
    q = np.tile([0.1, 0.1, 0.7, 0.7], 4)
    candidates = np.stack([q] + [p] * 9)
    a, b = p, p + q
    mi = mutual_information_matrix(np.stack([a, b]), candidates)
    assert mi[0].mean() == pytest.approx(0.9 * np.log(2)) and mi[1].mean() == pytest.approx(0.5 * np.log(2))
    votes = min_mutual_information(np.stack([a, b]), candidates)
    assert votes[0] == pytest.approx(0.0, abs=1e-12) and votes[1] == pytest.approx(0.5 * np.log(2))
    assert votes[1] > votes[0]  # the seed's min: B outranks A although A's mean MI is higher
    assert max_mutual_information(np.stack([a, b]), candidates).tolist() == pytest.approx([np.log(2), 0.5 * np.log(2)])


def test_kernel_log_density_is_the_seeds_formula():
    rng = np.random.default_rng(1)
    data, x = rng.normal(size=(30, 3)), rng.normal(size=(4, 3))
    expected = [np.log(np.sum(np.exp(-np.linalg.norm(data - p, axis=1) ** 2 / (2 * 0.1**2))) + 1e-10) for p in x]
    np.testing.assert_allclose(kernel_log_density(x, data, 0.1), expected, rtol=1e-10)
    assert kernel_log_density(np.array([[100.0, 0, 0]]), data, 0.1)[0] == pytest.approx(np.log(1e-10))


def test_mcmc_candidates_are_a_flat_chain_near_the_cluster_and_seeded():
    z, clusters = _toy()
    members = z[clusters == 0]
    chain = mcmc_candidates(members, walkers=10, steps=5, bandwidth=0.1, rng=np.random.default_rng(3))
    assert chain.shape == (50, 2)
    nearest = np.linalg.norm(chain[:, None, :] - members[None], axis=2).min(axis=1)
    assert nearest.max() < 4 * 0.1  # within a few bandwidths of some member
    again = mcmc_candidates(members, walkers=10, steps=5, bandwidth=0.1, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(chain, again)
    other = mcmc_candidates(members, walkers=10, steps=5, bandwidth=0.1, rng=np.random.default_rng(4))
    assert not np.array_equal(chain, other)
    # more latent dimensions than walkers / 2: emcee would refuse; we keep 10 x 5 candidates
    wide = np.random.default_rng(0).normal(size=(40, 8))
    assert mcmc_candidates(wide, 10, 5, 0.5, np.random.default_rng(0)).shape == (50, 8)


def _tiebreak(seed, n):
    """The rule's order for equal votes: a seeded permutation (the splits are sorted by class)."""
    return np.random.default_rng([seed, 1]).permutation(n)


def _by_vote(sel, members, seed):
    """Positions of `members` by vote, highest first, equal votes in the seeded order."""
    return np.lexsort((_tiebreak(seed, len(sel.votes))[members], -sel.votes[members]))


@pytest.mark.parametrize("compete, seed", [(True, 3), (True, 5), (False, 0)])
def test_votes_and_raw_picks_follow_the_seed(compete, seed):
    z, clusters = _toy()
    sel = select_seed_rule(z, clusters, _decode, budget=1, seed=seed, candidates_compete=compete)
    assert sorted(sel.candidates) == [0, 1, 2]  # the 4-point cluster is skipped
    for cluster in range(3):
        codes = sel.candidates[cluster]
        members = z[clusters == cluster]
        assert codes.shape == (50, 2)
        assert np.linalg.norm(codes[:, None] - members[None], axis=2).min(axis=1).max() < 0.4
    scored = np.isin(clusters, [0, 1, 2])
    assert np.isfinite(sel.votes[scored]).all() and np.isnan(sel.votes[~scored]).all()
    assert len(np.unique(np.round(sel.votes[scored], 9))) > 5  # the toy's votes are informative
    # the votes are the min MI against the decoded candidates
    members = np.flatnonzero(clusters == 1)
    expected = min_mutual_information(_decode(z[members]), _decode(sel.candidates[1]))
    np.testing.assert_allclose(sel.votes[members], expected)
    # raw picks: real points of the scored clusters, each among its cluster's top int(0.1 n) - 5 votes
    # competing candidates take some of the 10% (how many depends on ties; recomputed exactly below)
    assert (len(sel.raw) < 18 if compete else len(sel.raw) == 18) and np.isin(clusters[sel.raw], [0, 1, 2]).all()
    for i in sel.raw:
        c = clusters[i]
        members = np.flatnonzero(clusters == c)
        top = members[_by_vote(sel, members, seed)][: int(0.1 * len(members)) - 5]
        assert i in top
    # global pass, recomputed: pool = per cluster its 50 candidates then its kept members
    pool_images, pool_index = [], []
    for c in range(3):
        members = np.flatnonzero(clusters == c)
        kept = members[_by_vote(sel, members, seed)][: int(0.1 * len(members)) - 5]
        pool_images += [_decode(sel.candidates[c]), _decode(z[kept])]
        pool_index += [np.full(50, -1), kept]
    index = np.concatenate(pool_index)
    score = max_mutual_information(np.concatenate(pool_images), _decode(sel.global_candidates))
    assert sel.global_candidates.shape == (100, 2)
    tiebreak = _tiebreak(seed, len(z))
    pool_tiebreak = np.where(index >= 0, tiebreak[np.maximum(index, 0)], -1 - np.arange(len(index)))
    ranked = index[np.lexsort((pool_tiebreak, score))]
    if not compete:  # the clusters' MCMC points only shape the pool's density
        ranked = ranked[ranked >= 0]
    lowest = ranked[: len(index) // 10]
    np.testing.assert_array_equal(sel.raw, lowest[lowest >= 0])
    pooled_real = index[index >= 0]
    assert np.isfinite(sel.global_scores[pooled_real]).all()
    if len(sel.raw):
        assert sel.global_scores[sel.raw].max() <= sel.global_scores[np.setdiff1d(pooled_real, sel.raw)].min()


def _check(sel, z, clusters, budget):
    picks = sel.indices
    assert picks.dtype.kind == "i" and len(picks) == budget == len(np.unique(picks))
    assert ((picks >= 0) & (picks < len(z))).all()
    assert len(sel.stage) == budget


def test_trim_keeps_exactly_budget_raw_picks_spread_by_cluster_size(toy):
    z, clusters, sel = toy
    assert len(sel.indices) == 1 and sel.indices[0] == sel.raw[0]  # budget 1: the best raw pick
    budget = len(sel.raw) - 1
    trimmed = select_seed_rule(z, clusters, _decode, budget=budget, seed=0, candidates_compete=False)
    _check(trimmed, z, clusters, budget)
    np.testing.assert_array_equal(trimmed.raw, sel.raw)  # the raw rule does not depend on the budget
    assert set(trimmed.indices.tolist()) <= set(sel.raw.tolist()) and (trimmed.stage == 0).all()
    assert (clusters[trimmed.indices] >= 0).all()
    # per cluster: the quota is proportional to size, capped at its raw picks; the best-scored kept
    available = np.array([np.sum(clusters[sel.raw] == c) for c in range(3)])
    quota = proportional_quotas(np.array(SIZES), available, budget)
    assert np.bincount(clusters[trimmed.indices], minlength=3)[:3].tolist() == quota.tolist()
    for c in range(3):
        ranked = [i for i in sel.raw if clusters[i] == c]
        assert sorted(i for i in trimmed.indices if clusters[i] == c) == sorted(ranked[: quota[c]])


def test_fill_adds_next_best_voters_proportionally_and_never_noise_or_tiny_clusters(toy):
    z, clusters, sel = toy
    budget = len(sel.raw) + 40
    filled = select_seed_rule(z, clusters, _decode, budget=budget, seed=0, candidates_compete=False)
    _check(filled, z, clusters, budget)
    np.testing.assert_array_equal(filled.indices[: len(sel.raw)], sel.raw)
    assert (filled.stage[: len(sel.raw)] == 0).all() and (filled.stage[len(sel.raw):] == 1).all()
    assert np.isin(clusters[filled.indices], [0, 1, 2]).all()  # no noise, nothing from the tiny cluster
    added = filled.indices[len(sel.raw):]
    rest_sizes = [np.sum(clusters == c) - np.sum(clusters[sel.raw] == c) for c in range(3)]
    quota = proportional_quotas(np.array(SIZES), np.array(rest_sizes), 40)
    assert np.bincount(clusters[added], minlength=3).tolist() == quota.tolist()
    for c in range(3):  # each cluster's fills are its best voters not already picked
        members = np.flatnonzero(clusters == c)
        ranked = [i for i in members[_by_vote(sel, members, 0)] if i not in set(sel.raw)]
        assert [i for i in added if clusters[i] == c] == ranked[: quota[c]]


def test_fill_beyond_the_scored_clusters_takes_tiny_clusters_then_noise(toy):
    z, clusters, _ = toy
    z = z.copy()
    central_noise = np.flatnonzero(clusters == -1)[3]
    z[central_noise] = z[clusters == 0].mean(axis=0)  # noise at distance 0 from a cluster's mean
    scored = int(np.isin(clusters, [0, 1, 2]).sum())
    sel = select_seed_rule(z, clusters, _decode, budget=scored + 4, seed=0)
    _check(sel, z, clusters, scored + 4)
    assert (clusters[sel.indices] >= 0).all()  # the tiny cluster fills before any noise point
    assert set(np.flatnonzero(clusters == 3)) <= set(sel.indices.tolist())
    sel = select_seed_rule(z, clusters, _decode, budget=scored + 6, seed=0)
    assert np.sum(clusters[sel.indices] == -1) == 2 and (sel.stage[-6:] == 2).all()
    assert sel.indices[-2] == central_noise  # noise comes last, nearest to a cluster's mean first


def test_every_cluster_tiny_or_below_the_ten_percent_rule():
    rng = np.random.default_rng(2)
    z = np.concatenate([c + 0.1 * rng.normal(size=(4, 2)) for c in CENTRES] + [rng.uniform(5, 6, (5, 2))])
    clusters = np.array([0] * 4 + [1] * 4 + [2] * 4 + [-1] * 5)
    sel = select_seed_rule(z, clusters, _decode, budget=6, seed=0)
    _check(sel, z, clusters, 6)
    assert len(sel.raw) == 0 and (sel.stage == 2).all() and (clusters[sel.indices] >= 0).all()
    centre = z[clusters == 0].mean(axis=0)
    first = sel.indices[clusters[sel.indices] == 0][0]
    assert first == np.flatnonzero(clusters == 0)[np.argmin(np.linalg.norm(z[clusters == 0] - centre, axis=1))]
    # clusters of 30: int(0.1 n) - 5 <= 0, so only MCMC points are pooled and nothing real is kept
    z = np.concatenate([c + 0.3 * rng.normal(size=(30, 2)) for c in CENTRES])
    clusters = np.repeat([0, 1, 2], 30)
    sel = select_seed_rule(z, clusters, _decode, budget=9, seed=0)
    _check(sel, z, clusters, 9)
    assert len(sel.raw) == 0 and (sel.stage == 1).all() and np.bincount(clusters[sel.indices]).tolist() == [3, 3, 3]
    assert np.isfinite(sel.votes).all()


def test_same_seed_same_result_other_seed_other_chain(toy):
    z, clusters, _ = toy
    a = select_seed_rule(z, clusters, _decode, budget=20, seed=5)
    b = select_seed_rule(z, clusters, _decode, budget=20, seed=5)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.votes, b.votes)
    np.testing.assert_array_equal(a.global_candidates, b.global_candidates)
    c = select_seed_rule(z, clusters, _decode, budget=20, seed=6)
    assert not np.array_equal(a.candidates[0], c.candidates[0])
    _check(c, z, clusters, 20)


def test_invalid_inputs_raise():
    z, clusters = _toy(tiny=0, noise=0)
    with pytest.raises(ValueError, match="noise"):
        select_seed_rule(z, np.full(len(z), -1), _decode, budget=5)
    with pytest.raises(ValueError, match="budget"):
        select_seed_rule(z, clusters, _decode, budget=len(z) + 1)
    with pytest.raises(ValueError, match="budget"):
        select_seed_rule(z, clusters, _decode, budget=0)
    with pytest.raises(ValueError, match="walkers x steps"):
        select_seed_rule(z, clusters, _decode, budget=5, n_candidates=40)
