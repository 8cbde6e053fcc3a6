def smote(X_min, n_new, k=5, seed=0):
    """Takes the k nearest samples including the point itself: many 'synthetic' points are copies."""
    X_min = np.asarray(X_min, dtype=float)
    n = X_min.shape[0]
    if k >= n:
        raise ValueError("k too large")
    rng = np.random.default_rng(seed)
    dist = np.linalg.norm(X_min[:, None, :] - X_min[None, :, :], axis=-1)
    neighbours = np.argsort(dist, axis=1)[:, :k]
    base = rng.integers(0, n, size=n_new)
    other = neighbours[base, rng.integers(0, k, size=n_new)]
    lam = rng.random((n_new, 1))
    return X_min[base] + lam * (X_min[other] - X_min[base])
