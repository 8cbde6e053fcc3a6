def softmax(z):
    """Stable for 1-D input, but the reductions drop the last axis."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1))
    return e / np.sum(e, axis=-1)
