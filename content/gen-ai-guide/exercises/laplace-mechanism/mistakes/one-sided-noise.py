def laplace_noise(u, scale):
    """Exponential, not Laplace: log(u) is always negative, so the noise is biased."""
    out = scale * np.log(np.asarray(u, dtype=float))
    return float(out) if out.ndim == 0 else out


def private_mean(x, lower, upper, epsilon, z):
    x = np.clip(np.asarray(x, dtype=float), lower, upper)
    out = x.mean() + (upper - lower) / (x.size * epsilon) * np.asarray(z, dtype=float)
    return float(out) if out.ndim == 0 else out
