"""LMG importance: the Shapley decomposition of R^2 over all orderings of the predictors.

R^2 of every predictor subset comes from the correlation matrix (R^2(S) = r_S' R_SS^-1 r_S, the R^2 of least
squares with an intercept), and LMG from the subset-weight form of the Shapley value:

    LMG_j = sum over S not containing j of |S|! (p - |S| - 1)! / p! * (R^2(S + j) - R^2(S))

exact, and fast for up to about 12 predictors (2^p subsets); batched over a stack of correlation matrices for
the bootstrap (`survey.analysis.bootstrap`).
"""
from __future__ import annotations

from math import factorial

import numpy as np

MAX_PREDICTORS = 16
_PIVOT_TOLERANCE = 1e-10


def subset_r_squared(correlation: np.ndarray) -> np.ndarray:
    """R^2 of the regression of variable 0 on every subset of variables 1..p, indexed by bitmask
    (bit j-1 set = predictor j in the subset; entry 0 is the empty model, R^2 = 0).

    `correlation`: one (p+1, p+1) matrix, or a stack (B, p+1, p+1) (then the result is (B, 2^p)): the bootstrap
    fits hundreds of correlation matrices at once. Sweep operator over the subset tree: a subset S is its
    parent S - {k} (k its largest predictor) with k swept in; after sweeping S, the outcome's diagonal entry is
    1 - R^2(S) and the rows of the predictors above k hold the partial covariances S's children need, so each
    node keeps only those (the matrix shrinks down the tree) and all nodes with the same largest predictor are
    one array, laid out (rows, columns, subsets x matrices) so every operation runs along one long contiguous
    axis; the outcome is kept last so what a node keeps is one slice. A pivot that is (numerically) 0, a
    predictor collinear with those already in, adds nothing, as with a pseudo-inverse."""
    single = correlation.ndim == 2
    stack = correlation[None] if single else correlation
    count, p = stack.shape[0], stack.shape[-1] - 1
    if p > MAX_PREDICTORS:
        raise ValueError(f"at most {MAX_PREDICTORS} predictors, got {p}")
    r2 = np.zeros((1 << p, count))
    order = [*range(1, p + 1), 0]  # predictors, then the outcome
    root = np.ascontiguousarray(np.moveaxis(stack[:, order][:, :, order], 0, -1))
    # pending[j]: the subsets whose largest predictor is j - 1 (the empty one for j = 0): their masks and swept
    # matrices over predictors j..p-1 and the outcome
    pending: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {0: [(np.zeros(1, dtype=np.int64), root)]}
    for start in range(p):
        masks = np.concatenate([m for m, _ in pending[start]])
        swept = np.concatenate([a for _, a in pending.pop(start)], axis=-1)
        for k in range(start, p):
            position = k - start
            pivot = swept[position, position]
            inverse = np.divide(1.0, pivot, out=np.zeros_like(pivot), where=pivot > _PIVOT_TOLERANCE)
            column = swept[position + 1:, position]
            child = swept[position + 1:, position + 1:] - column[:, None, :] * (column * inverse)[None, :, :]
            child_masks = masks | (1 << k)
            r2[child_masks] = 1.0 - child[-1, -1].reshape(len(masks), count)
            if k + 1 < p:
                pending.setdefault(k + 1, []).append((child_masks, child))
    np.clip(r2, 0.0, 1.0, out=r2)
    return r2[:, 0] if single else r2.T


def lmg_shares(correlation: np.ndarray) -> np.ndarray:
    """LMG share of R^2 (absolute, summing to the full model's R^2) of predictors 1..p; for a stack of
    correlation matrices (B, p+1, p+1), one row of shares per matrix. One matrix product: share_j =
    sum over subsets T of c_jT R^2(T), c_jT = w(|T| - 1) when j is in T and -w(|T|) when not."""
    single = correlation.ndim == 2
    r2 = np.atleast_2d(subset_r_squared(correlation))
    shares = r2 @ _lmg_coefficients(correlation.shape[-1] - 1).T
    return shares[0] if single else shares


def _lmg_coefficients(p: int) -> np.ndarray:
    """(p, 2^p) weights of the subset-weight form of the Shapley value: |S|! (p - |S| - 1)! / p!."""
    masks = np.arange(1 << p)
    sizes = np.array([bin(m).count("1") for m in masks])
    weight = np.array([factorial(s) * factorial(p - s - 1) / factorial(p) if s < p else 0.0
                       for s in range(p + 1)])
    member = (masks[None, :] >> np.arange(p)[:, None]) & 1 == 1
    return np.where(member, weight[np.maximum(sizes - 1, 0)], -weight[sizes])
