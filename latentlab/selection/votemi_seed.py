"""Vote-MI as the seed wrote it (seed 002, YuliWanghust/Vote_MI-MNIST, inference_DBSCAN.py), but
returning real images only: the `seed` rule that the project measures beside its own (votemi.py).

The original, step by step (line numbers in inference_DBSCAN.py):

1. DBSCAN clusters of the raw latent come from the caller; noise (-1) is dropped and a cluster of
   fewer than `min_cluster` (5) points is skipped (lines 292-295). (Line 247's `-1 in
   data['cluster']` tests the Series' index, not its values, so noise counts as a cluster and the
   loop visits one label past the last cluster, which is empty and skipped: no effect.)
2. Per cluster, emcee's EnsembleSampler (stretch move) runs `walkers` (10) walkers for `steps` (5)
   steps on the unnormalised Gaussian-kernel density of the cluster's codes,
   log p(x) = log(sum_i exp(-|z_i - x|^2 / (2 h^2)) + 1e-10) with h = `bandwidth` (0.1)
   (lines 152-165). The walkers start on cluster members drawn uniformly with replacement
   (line 183) and every position of the chain is kept: the flat chain of walkers x steps = 50
   candidates, no burn-in, no thinning (lines 186-192; the comment "5 initial points" at line 297
   is wrong, n_samples=5 is the number of steps).
3. Each member's vote is the minimum, over the decoded candidates, of sklearn's
   `mutual_info_score` between its decoded image and the candidate's, both flattened raw float
   pixels (lines 197-214, 305-307): every distinct float value is a label of its own.
   `mutual_information_matrix` computes exactly that quantity, vectorised (sklearn's own loop costs
   milliseconds a pair). On a decoder whose pixels are all distinct floats every pair scores
   log(pixels) and all votes tie; the original's stable sort then kept its data order (the MNIST
  test set's, unrelated to the classes); ours breaks ties in a seeded random order instead.
4. Members are sorted by vote, highest first (line 310), and the top max(0, int(0.1 n) - 5) are
   kept (line 313), together with the 50 candidates (line 315).
5. Global pass: the pooled points (cluster by cluster, in label order: its candidates, then its
   kept members) get their own chain, `walkers` x global_candidates / walkers (10 x 10 = 100), on
   the kernel density of the pool (line 319); each pooled point is scored by the MAXIMUM MI
   against the 100 decoded global candidates (line 327), sorted ascending (line 331) and the
   lowest max(1, int(0.1 len(pool))) are kept (lines 332-333), together with the 100 global
   candidates (line 336).

Departures, all because the project selects real training images to be labelled:
- Candidates (MCMC points) only vote and shape the densities; they are never returned. The pooled
  points kept by step 5 that are real images are the rule's raw picks (`SeedSelection.raw`).
  With `candidates_compete=True` (the seed's literal ranking) the clusters' candidates still
  compete for step 5's 10% and push real points out: on the toy of tests/test_votemi_seed.py
  the 10% often holds no real point, on the 2-D VAE's 4,000 training codes about half the budget
  (51 of 100 with the seed's DBSCAN), the rest coming from the fill. `candidates_compete=False`
  (the default: SPEC.md, "the MCMC points stand in only as voters") ranks only the real pooled
  points (same count, max(1, int(0.1 len(pool)))).
- On a sigmoid decoder nearly every pixel is a distinct float (783-784 of 784 on the 2-D VAE), so
  step 3's MI is the entropy of the image's values, log(784) for almost every pair: the votes
  hardly vary (3 distinct values over 4,000 codes) and both rankings mostly fall back on data and
  pool order. This is the seed's behaviour, kept on purpose.
- The original returned whatever count came out (its table then mislabelled the rows). Ours is
  trimmed or filled to exactly `budget`, deterministically:
  * Trim (more raw picks than budget): each cluster's quota is proportional to the cluster's size
    (one at a time to the cluster furthest below its share, capped at the cluster's raw picks); within a cluster the raw picks with the lowest global score (max MI, the step-5
    ranking) are kept.
  * Fill (fewer): the shortfall is split over the scored clusters the same way, proportional to
    size and capped at each cluster's unpicked members; each cluster adds its next-best members by
    its step-3 vote (highest first, the seeded order on ties). Fills are listed round-robin over the
    clusters, largest first.
  * Still short (e.g. every cluster is under `min_cluster`, or the budget exceeds the scored
    clusters' members): points of the skipped small clusters nearest their own cluster's mean
    code come next, and DBSCAN noise only as a last resort, nearest to any cluster's mean code
    first.
- Walkers start on members drawn with numpy's Generator (seeded by `seed`), and each chain's
  RandomState is seeded from it through `emcee.State(..., random_state=...)`, so one seed gives one
  result without touching numpy's global state.
- emcee refuses fewer walkers than twice the latent's dimensions, and rejects initial walkers
  whose spread is degenerate (e.g. ten draws from a five-point cluster landing on a line). The
  original only ran a 2-D latent with large clusters and never met either; here the stretch move
  runs with `live_dangerously=True` and the initial-state check is skipped, which keeps the
  10 x 5 = 50 candidates of the original (the walkers then move within the span of their starts).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .votemi import Selection

LOG_FLOOR = 1e-10  # the original's "small value to avoid log(0)"


@dataclass
class SeedSelection(Selection):
    """Selection (indices, scores = each pick's step-3 vote (nan for a leftover fill), votes = every
    point's step-3 vote (nan outside the scored clusters), clusters = DBSCAN's clusters unchanged) plus the seed rule's
    intermediate results."""

    raw: np.ndarray  # real images the original rule keeps, in its final (ascending max-MI) order
    global_scores: np.ndarray  # each real point's max MI against the global candidates (nan: not pooled)
    stage: np.ndarray  # for each pick: 0 raw pick, 1 filled from its cluster by vote, 2 leftover fill
    candidates: dict[int, np.ndarray] = field(default_factory=dict)  # cluster -> its MCMC codes
    global_candidates: np.ndarray | None = None  # the global pass's MCMC codes


# ---------------------------------------------------------------------------------------------
# Mutual information exactly as sklearn.metrics.mutual_info_score on flattened float pixels


def _labels(images: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each flattened image's pixel values as labels 0..k-1 (one per distinct value) and their counts."""
    flat = np.asarray(images).reshape(len(images), -1)
    codes = np.empty(flat.shape, dtype=np.int64)
    counts = []
    for i, row in enumerate(flat):
        _, codes[i], count = np.unique(row, return_inverse=True, return_counts=True)
        counts.append(count)
    return codes, counts


def mutual_information_matrix(images: np.ndarray, candidate_images: np.ndarray) -> np.ndarray:
    """(len(images), len(candidate_images)) matrix of sklearn's `mutual_info_score(a.flatten(),
    b.flatten())` (nats), every distinct pixel value being its own label, as the seed computed it.

    Same arithmetic as sklearn 1.x (terms under machine epsilon zeroed, the sum clipped at 0, zero
    when either image has a single value); only the summation order differs (~1e-15)."""
    images, candidate_images = np.asarray(images), np.asarray(candidate_images)
    a_codes, a_counts = _labels(images)
    b_codes, b_counts = _labels(candidate_images)
    if a_codes.shape[1] != b_codes.shape[1]:
        raise ValueError(f"images have {a_codes.shape[1]} pixels, candidate images {b_codes.shape[1]}")
    m, pixels = b_codes.shape
    kb = max((len(c) for c in b_counts), default=1)
    b_table = np.zeros((m, kb), dtype=np.int64)  # each candidate's count per label, padded
    for j, c in enumerate(b_counts):
        b_table[j, : len(c)] = c
    b_single = np.array([len(c) == 1 for c in b_counts], dtype=bool)
    which = np.repeat(np.arange(m, dtype=np.int64), pixels)
    log_n = np.log(float(pixels))
    eps = np.finfo(np.float64).eps
    out = np.zeros((len(images), m), dtype=np.float64)
    for i in range(len(images)):
        ka = len(a_counts[i])
        if ka == 1 or m == 0:
            continue  # a single label: MI 0
        key = (which * ka + np.tile(a_codes[i], m)) * kb + b_codes.ravel()
        cells, n_ij = np.unique(key, return_counts=True)
        pair, rest = np.divmod(cells, ka * kb)
        row, col = np.divmod(rest, kb)
        outer = a_counts[i][row] * b_table[pair, col]
        p_ij = n_ij / pixels
        terms = p_ij * (np.log(n_ij) - log_n) + p_ij * (-np.log(outer) + log_n + log_n)
        terms = np.where(np.abs(terms) < eps, 0.0, terms)
        out[i] = np.clip(np.bincount(pair, weights=terms, minlength=m), 0.0, None)
    out[:, b_single] = 0.0
    return out


def min_mutual_information(images: np.ndarray, candidate_images: np.ndarray) -> np.ndarray:
    """Each image's vote in a cluster (step 3): its lowest MI over the candidates' images."""
    return mutual_information_matrix(images, candidate_images).min(axis=1)


def max_mutual_information(images: np.ndarray, candidate_images: np.ndarray) -> np.ndarray:
    """Each pooled image's global score (step 5): its highest MI over the global candidates' images."""
    return mutual_information_matrix(images, candidate_images).max(axis=1)


# ---------------------------------------------------------------------------------------------
# MCMC on the kernel density


def kernel_log_density(x: np.ndarray, data: np.ndarray, bandwidth: float) -> np.ndarray:
    """The seed's log-probability, for each row of x: log(sum_i exp(-|data_i - x|^2 / (2 h^2)) + 1e-10)."""
    x = np.atleast_2d(x)
    out = np.empty(len(x))
    for k, point in enumerate(x):  # one walker at a time: (walkers, n, d) would not fit for big clusters
        squared = ((data - point) ** 2).sum(axis=1)
        out[k] = np.log(np.exp(-squared / (2.0 * bandwidth**2)).sum() + LOG_FLOOR)
    return out


def mcmc_candidates(
    data: np.ndarray, walkers: int, steps: int, bandwidth: float, rng: np.random.Generator
) -> np.ndarray:
    """The flat emcee chain (steps x walkers rows, step-major as `get_chain(flat=True)`) of walkers
    started on rows of `data` drawn with replacement, on the kernel density of `data`."""
    import emcee

    data = np.asarray(data, dtype=np.float64)
    ndim = data.shape[1]
    start = data[rng.integers(0, len(data), size=walkers)]
    state = emcee.State(start, random_state=np.random.RandomState(int(rng.integers(2**32))).get_state())
    move = emcee.moves.StretchMove(live_dangerously=walkers < 2 * ndim)
    sampler = emcee.EnsembleSampler(
        walkers, ndim, kernel_log_density, args=(data, bandwidth), moves=move, vectorize=True
    )
    sampler.run_mcmc(state, steps, skip_initial_state_check=True)
    return sampler.get_chain(flat=True)


# ---------------------------------------------------------------------------------------------
# The rule


def select_seed_rule(
    z: np.ndarray,
    clusters: np.ndarray,
    decode: Callable[[np.ndarray], np.ndarray],
    budget: int,
    seed: int = 0,
    n_candidates: int = 50,
    walkers: int = 10,
    steps: int = 5,
    bandwidth: float = 0.1,
    global_candidates: int = 100,
    min_cluster: int = 5,
    candidates_compete: bool = False,
) -> SeedSelection:
    """The seed's Vote-MI picks among the rows of `z` (raw codes) given DBSCAN's `clusters` (-1 =
    noise), trimmed or filled to exactly `budget` real images (module docstring).

    candidates_compete: True (the seed): the clusters' MCMC points compete with the real pooled
    points for the global pass's 10%, and only the real ones that win are raw picks. False: they
    only shape the pool's density; the max(1, int(0.1 len(pool))) real pooled points with the
    lowest max MI are the raw picks."""
    from ..progress import progress

    z = np.asarray(z, dtype=np.float64)
    clusters = np.asarray(clusters)
    if z.ndim != 2 or clusters.shape != (len(z),):
        raise ValueError(f"z must be (n, d) and clusters (n,): got {z.shape} and {clusters.shape}")
    if not 1 <= budget <= len(z):
        raise ValueError(f"budget must be between 1 and the {len(z)} points: got {budget}")
    if n_candidates != walkers * steps:
        raise ValueError(f"n_candidates ({n_candidates}) must be walkers x steps ({walkers} x {steps}): the flat chain")
    if global_candidates % walkers:
        raise ValueError(f"global_candidates ({global_candidates}) must be a multiple of walkers ({walkers})")
    if not (clusters >= 0).any():
        raise ValueError("no cluster: every point is DBSCAN noise (-1); raise eps or lower min_samples")

    rng = np.random.default_rng(seed)
    # Ties (frequent: see the module docstring) are broken in a seeded random order, standing in for
    # the original's data order, the MNIST test set's, which is unrelated to the classes; the order
    # of our splits is sorted by class, so breaking ties by it would pick one class.
    tiebreak = np.random.default_rng([seed, 1]).permutation(len(z))
    labels, sizes = np.unique(clusters[clusters >= 0], return_counts=True)
    scored = [(int(c), int(s)) for c, s in zip(labels, sizes) if s >= min_cluster]
    votes = np.full(len(z), np.nan)
    ranked: dict[int, np.ndarray] = {}  # cluster -> members by vote, best first
    candidates: dict[int, np.ndarray] = {}
    pool_codes, pool_images, pool_index = [], [], []  # pool_index: row of z, or -1 for a candidate
    for cluster, size in progress(scored, desc="Vote-MI seed", unit="cluster"):
        members = np.flatnonzero(clusters == cluster)
        codes = mcmc_candidates(z[members], walkers, steps, bandwidth, rng)
        images = np.asarray(decode(z[members].astype(np.float32)))
        candidate_images = np.asarray(decode(codes.astype(np.float32)))
        votes[members] = min_mutual_information(images, candidate_images)
        order = np.lexsort((tiebreak[members], -votes[members]))
        ranked[cluster] = members[order]
        kept = order[: max(0, int(size * 0.10) - 5)]
        candidates[cluster] = codes
        pool_codes += [codes, z[members[kept]]]
        pool_images += [candidate_images, images[kept]]
        pool_index += [np.full(len(codes), -1), members[kept]]

    global_scores = np.full(len(z), np.nan)
    global_codes = None
    raw = np.empty(0, dtype=np.int64)
    if pool_codes:
        codes = np.concatenate(pool_codes)
        index = np.concatenate(pool_index)
        global_codes = mcmc_candidates(codes, walkers, global_candidates // walkers, bandwidth, rng)
        score = max_mutual_information(np.concatenate(pool_images), np.asarray(decode(global_codes.astype(np.float32))))
        global_scores[index[index >= 0]] = score[index >= 0]
        pool_tiebreak = np.where(index >= 0, tiebreak[np.maximum(index, 0)], -1 - np.arange(len(index)))
        order = np.lexsort((pool_tiebreak, score))
        if not candidates_compete:
            order = order[index[order] >= 0]
        order = order[: max(1, int(len(codes) * 0.10))]
        raw = index[order][index[order] >= 0].astype(np.int64)

    picks, stage = _to_budget(z, clusters, raw, ranked, dict(scored), global_scores, budget)
    return SeedSelection(
        indices=picks, scores=votes[picks], votes=votes, clusters=clusters.copy(), raw=raw,
        global_scores=global_scores, stage=stage, candidates=candidates, global_candidates=global_codes,
    )


def proportional_quotas(sizes: np.ndarray, available: np.ndarray, total: int) -> np.ndarray:
    """`total` split over groups in proportion to `sizes`, never more than `available` to a group:
    one at a time to the group furthest below its share (earlier groups first on ties)."""
    sizes = np.asarray(sizes, dtype=np.float64)
    available = np.asarray(available, dtype=np.int64)
    quota = np.zeros(len(sizes), dtype=np.int64)
    total = min(int(total), int(available.sum()))
    share = total * sizes / sizes.sum() if sizes.sum() > 0 else np.zeros(len(sizes))
    for _ in range(total):
        quota[np.argmax(np.where(quota < available, share - quota, -np.inf))] += 1
    return quota


def _round_robin(lists: list[list[int]]) -> list[int]:
    out: list[int] = []
    for turn in range(max((len(x) for x in lists), default=0)):
        out += [x[turn] for x in lists if turn < len(x)]
    return out


def _to_budget(
    z: np.ndarray,
    clusters: np.ndarray,
    raw: np.ndarray,
    ranked: dict[int, np.ndarray],
    sizes: dict[int, int],
    global_scores: np.ndarray,
    budget: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Exactly `budget` picks from the raw ones (module docstring: trim, fill, leftover fill)."""
    order = sorted(sizes, key=lambda c: (-sizes[c], c))  # scored clusters, largest first
    size_of = np.array([sizes[c] for c in order])
    if len(raw) >= budget:
        available = np.array([np.sum(clusters[raw] == c) for c in order])
        quota = dict(zip(order, proportional_quotas(size_of, available, budget)))
        keep, taken = [], {c: 0 for c in order}
        for i in raw:  # raw is in ascending global score: the first of each cluster are its best
            c = int(clusters[i])
            if taken[c] < quota[c]:
                keep.append(int(i))
                taken[c] += 1
        return np.array(keep, dtype=np.int64), np.zeros(len(keep), dtype=np.int64)

    picks = [int(i) for i in raw]
    chosen = set(picks)
    rest = {c: [int(i) for i in ranked[c] if int(i) not in chosen] for c in order}
    quota = proportional_quotas(size_of, np.array([len(rest[c]) for c in order]), budget - len(picks))
    filled = _round_robin([rest[c][:q] for c, q in zip(order, quota)])
    stage = [0] * len(picks) + [1] * len(filled)
    picks += filled
    if len(picks) < budget:
        picks += _leftovers(z, clusters, set(picks))[: budget - len(picks)]
        stage += [2] * (budget - len(stage))
    return np.array(picks, dtype=np.int64), np.array(stage, dtype=np.int64)


def _leftovers(z: np.ndarray, clusters: np.ndarray, taken: set[int]) -> list[int]:
    """Unpicked points, clustered ones first by distance to their cluster's mean code, then noise
    by distance to the nearest cluster mean (index order on ties)."""
    labels = np.unique(clusters[clusters >= 0])
    centres = np.array([z[clusters == c].mean(axis=0) for c in labels])
    distance = np.empty(len(z))
    clustered = clusters >= 0
    distance[clustered] = np.linalg.norm(z[clustered] - centres[np.searchsorted(labels, clusters[clustered])], axis=1)
    if (~clustered).any():
        distance[~clustered] = np.linalg.norm(z[~clustered][:, None, :] - centres[None], axis=2).min(axis=1)
    left = np.array([i for i in range(len(z)) if i not in taken], dtype=np.int64)
    order = np.lexsort((left, distance[left], ~clustered[left]))
    return [int(i) for i in left[order]]
