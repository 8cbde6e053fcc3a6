def laplace_noise(u, scale):
    u = np.asarray(u, dtype=float)
    out = -scale * np.sign(u - 0.5) * np.log1p(-2.0 * np.abs(u - 0.5))
    return float(out) if out.ndim == 0 else out


def private_mean(x, lower, upper, epsilon, z):
    """Uses the sensitivity of one value, (upper - lower), not of the mean of n values."""
    x = np.clip(np.asarray(x, dtype=float), lower, upper)
    out = x.mean() + (upper - lower) / epsilon * np.asarray(z, dtype=float)
    return float(out) if out.ndim == 0 else out
