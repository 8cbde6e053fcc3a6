def clip_per_example(grads, clip_norm):
    grads = np.asarray(grads, dtype=float)
    norms = np.linalg.norm(grads, axis=1, keepdims=True)
    return grads * np.minimum(1.0, clip_norm / np.maximum(norms, 1e-12))


def dp_sgd_gradient(grads, clip_norm, noise_multiplier, xi):
    """Noise std sigma instead of sigma * C: wrong privacy for any C other than 1."""
    clipped = clip_per_example(grads, clip_norm)
    return (clipped.sum(axis=0) + noise_multiplier * np.asarray(xi)) / clipped.shape[0]
