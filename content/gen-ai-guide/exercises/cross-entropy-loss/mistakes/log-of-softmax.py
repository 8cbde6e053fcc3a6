def cross_entropy(logits, labels):
    """A stable softmax, then the log of the true-class probability."""
    logits = np.asarray(logits, dtype=float)
    labels = np.asarray(labels).astype(int)
    n = logits.shape[0]
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    probs = e / np.sum(e, axis=1, keepdims=True)
    return float(np.mean(-np.log(probs[np.arange(n), labels])))
