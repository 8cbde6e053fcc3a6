def impute(X, strategy="mean"):
    """Ignores NaN correctly, but uses one statistic of the whole matrix for every column."""
    if strategy not in ("mean", "median"):
        raise ValueError(f"unknown strategy {strategy!r}")
    X = np.array(X, dtype=float)
    fill = np.nanmean(X) if strategy == "mean" else np.nanmedian(X)
    return np.where(np.isnan(X), fill, X)
