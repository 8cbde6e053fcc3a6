def train_val_test_split(n, val_frac, test_frac, seed):
    """Right sizes, disjoint, but contiguous blocks: the seed is ignored."""
    if val_frac < 0 or test_frac < 0 or val_frac + test_frac >= 1:
        raise ValueError("bad fractions")
    n_test = int(np.floor(test_frac * n))
    n_val = int(np.floor(val_frac * n))
    n_train = n - n_test - n_val
    idx = np.arange(n)
    return idx[:n_train], idx[n_train:n_train + n_val], idx[n_train + n_val:]


def stratified_split(labels, val_frac, test_frac, seed):
    if val_frac < 0 or test_frac < 0 or val_frac + test_frac >= 1:
        raise ValueError("bad fractions")
    labels = np.asarray(labels)
    parts = ([], [], [])
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        n_test = int(np.floor(test_frac * len(idx)))
        n_val = int(np.floor(val_frac * len(idx)))
        n_train = len(idx) - n_test - n_val
        parts[0].append(idx[:n_train])
        parts[1].append(idx[n_train:n_train + n_val])
        parts[2].append(idx[n_train + n_val:])
    return tuple(np.concatenate(p) for p in parts)
