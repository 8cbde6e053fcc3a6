def normalize(X_train, X_new, method="zscore"):
    """One mean/std (or min/max) for the whole matrix instead of one per column."""
    X_train = np.asarray(X_train, dtype=float)
    X_new = np.asarray(X_new, dtype=float)
    if method == "zscore":
        shift = X_train.mean()
        scale = X_train.std()
    elif method == "minmax":
        shift = X_train.min()
        scale = X_train.max() - shift
    else:
        raise ValueError(f"unknown method {method!r}")
    if scale == 0:
        scale = 1.0
    return (X_train - shift) / scale, (X_new - shift) / scale
