def retrieve(queries, docs, k):
    """Raw dot products: long documents win."""
    sims = queries @ docs.T
    idx = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(sims, idx, axis=1)


def mean_reciprocal_rank(idx, relevant):
    hits = np.asarray(idx) == np.asarray(relevant)[:, None]
    ranks = np.argmax(hits, axis=1) + 1
    return float(np.mean(np.where(hits.any(axis=1), 1.0 / ranks, 0.0)))
