def pairwise_sq_dists(A, B):
    """The expanded form without the clip: tiny negative values for near-duplicates."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    return (A * A).sum(axis=1)[:, None] + (B * B).sum(axis=1)[None, :] - 2.0 * A @ B.T


def group_means(X, labels, n_groups):
    X = np.asarray(X, dtype=float)
    sums = np.zeros((n_groups, X.shape[1]))
    np.add.at(sums, labels, X)
    counts = np.bincount(labels, minlength=n_groups)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)
