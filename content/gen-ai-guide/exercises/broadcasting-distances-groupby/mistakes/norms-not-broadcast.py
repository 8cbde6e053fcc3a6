def pairwise_sq_dists(A, B):
    """Adds the two norm vectors without giving them the (n, 1) and (1, m) shapes."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    return np.maximum((A * A).sum(axis=1) + (B * B).sum(axis=1) - 2.0 * A @ B.T, 0.0)


def group_means(X, labels, n_groups):
    X = np.asarray(X, dtype=float)
    sums = np.zeros((n_groups, X.shape[1]))
    np.add.at(sums, labels, X)
    counts = np.bincount(labels, minlength=n_groups)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)
