def softmax(z):
    """Textbook formula, without the max shift."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
