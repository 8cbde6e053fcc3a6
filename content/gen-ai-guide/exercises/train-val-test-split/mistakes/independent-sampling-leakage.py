def train_val_test_split(n, val_frac, test_frac, seed):
    """Draws test and validation sets independently: they can overlap each other and train."""
    if val_frac < 0 or test_frac < 0 or val_frac + test_frac >= 1:
        raise ValueError("bad fractions")
    rng = np.random.default_rng(seed)
    n_test = int(np.floor(test_frac * n))
    n_val = int(np.floor(val_frac * n))
    test = rng.choice(n, size=n_test, replace=False)
    val = rng.choice(n, size=n_val, replace=False)
    train = np.setdiff1d(np.arange(n), test)
    return train, val, test


def stratified_split(labels, val_frac, test_frac, seed):
    if val_frac < 0 or test_frac < 0 or val_frac + test_frac >= 1:
        raise ValueError("bad fractions")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    parts = ([], [], [])
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        n_test = int(np.floor(test_frac * len(idx)))
        n_val = int(np.floor(val_frac * len(idx)))
        test = rng.choice(idx, size=n_test, replace=False)
        val = rng.choice(idx, size=n_val, replace=False)
        parts[0].append(np.setdiff1d(idx, test))
        parts[1].append(val)
        parts[2].append(test)
    return tuple(np.concatenate(p) for p in parts)
