def clip_per_example(grads, clip_norm):
    """Rescales every gradient to norm C, also the short ones (and divides 0 by 0)."""
    grads = np.asarray(grads, dtype=float)
    return grads * clip_norm / np.linalg.norm(grads, axis=1, keepdims=True)


def dp_sgd_gradient(grads, clip_norm, noise_multiplier, xi):
    clipped = clip_per_example(grads, clip_norm)
    return (clipped.sum(axis=0) + noise_multiplier * clip_norm * np.asarray(xi)) / clipped.shape[0]
