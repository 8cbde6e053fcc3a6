def smote(X_min, n_new, k=5, seed=0):
    """Interpolates towards any other minority sample, not one of the k nearest."""
    X_min = np.asarray(X_min, dtype=float)
    n = X_min.shape[0]
    if k >= n:
        raise ValueError("k too large")
    rng = np.random.default_rng(seed)
    base = rng.integers(0, n, size=n_new)
    other = (base + rng.integers(1, n, size=n_new)) % n
    lam = rng.random((n_new, 1))
    return X_min[base] + lam * (X_min[other] - X_min[base])
