def sampling_probs(logits, temperature=1.0, top_k=None, top_p=None):
    z = np.atleast_2d(np.asarray(logits, dtype=float))
    if temperature == 0:
        probs = np.zeros_like(z)
        probs[np.arange(z.shape[0]), z.argmax(axis=1)] = 1.0
    else:
        z = z / temperature
        e = np.exp(z - z.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
    if top_k is not None:
        kth = -np.sort(-probs, axis=1)[:, top_k - 1 : top_k]
        probs = np.where(probs >= kth, probs, 0.0)
    if top_p is not None:
        order = np.argsort(-probs, axis=1)
        sorted_p = np.take_along_axis(probs, order, axis=1)
        before = np.cumsum(sorted_p, axis=1) - sorted_p
        keep_sorted = before < top_p * sorted_p.sum(axis=1, keepdims=True)
        keep = np.zeros_like(keep_sorted)
        np.put_along_axis(keep, order, keep_sorted, axis=1)
        probs = np.where(keep, probs, 0.0)
    probs = probs / probs.sum(axis=1, keepdims=True)
    return probs if np.ndim(logits) == 2 else probs[0]


def sample_token(probs, u):
    """Compares u with the cumulative probability *before* each token: picks one token too far."""
    probs = np.asarray(probs, dtype=float)
    before = np.cumsum(probs, axis=-1) - probs
    idx = (before <= np.asarray(u)[..., None]).sum(axis=-1)
    idx = np.minimum(idx, probs.shape[-1] - 1)
    return int(idx) if probs.ndim == 1 else idx
