def impute(X, strategy="mean"):
    """Column statistics with np.mean / np.median over all entries, NaN included."""
    if strategy not in ("mean", "median"):
        raise ValueError(f"unknown strategy {strategy!r}")
    X = np.array(X, dtype=float)
    fill = np.mean(X, axis=0) if strategy == "mean" else np.median(X, axis=0)
    return np.where(np.isnan(X), fill, X)
