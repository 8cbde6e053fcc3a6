def normalize(X_train, X_new, method="zscore"):
    """Per column, but the statistics are fitted on train and new data together (leakage)."""
    X_train = np.asarray(X_train, dtype=float)
    X_new = np.asarray(X_new, dtype=float)
    X_all = np.vstack([X_train, X_new])
    if method == "zscore":
        shift = X_all.mean(axis=0)
        scale = X_all.std(axis=0)
    elif method == "minmax":
        shift = X_all.min(axis=0)
        scale = X_all.max(axis=0) - shift
    else:
        raise ValueError(f"unknown method {method!r}")
    scale = np.where(scale == 0, 1.0, scale)
    return (X_train - shift) / scale, (X_new - shift) / scale
