def retrieve(queries, docs, k):
    """argsort without the minus sign: returns the k least similar documents."""
    q = queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    d = docs / np.maximum(np.linalg.norm(docs, axis=1, keepdims=True), 1e-12)
    sims = q @ d.T
    idx = np.argsort(sims, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(sims, idx, axis=1)


def mean_reciprocal_rank(idx, relevant):
    hits = np.asarray(idx) == np.asarray(relevant)[:, None]
    ranks = np.argmax(hits, axis=1) + 1
    return float(np.mean(np.where(hits.any(axis=1), 1.0 / ranks, 0.0)))
