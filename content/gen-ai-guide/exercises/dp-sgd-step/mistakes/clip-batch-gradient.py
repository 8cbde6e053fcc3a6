def clip_per_example(grads, clip_norm):
    grads = np.asarray(grads, dtype=float)
    norms = np.linalg.norm(grads, axis=1, keepdims=True)
    return grads * np.minimum(1.0, clip_norm / np.maximum(norms, 1e-12))


def dp_sgd_gradient(grads, clip_norm, noise_multiplier, xi):
    """Clips the summed batch gradient: one example can still dominate the step."""
    total = np.asarray(grads, dtype=float).sum(axis=0)
    total = total * min(1.0, clip_norm / max(np.linalg.norm(total), 1e-12))
    return (total + noise_multiplier * clip_norm * np.asarray(xi)) / len(grads)
