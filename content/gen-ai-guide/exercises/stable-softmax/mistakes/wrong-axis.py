def softmax(z):
    """Stable, but normalises over axis 0 instead of the last axis."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)
