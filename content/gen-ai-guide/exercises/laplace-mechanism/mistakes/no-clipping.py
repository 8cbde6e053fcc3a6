def laplace_noise(u, scale):
    u = np.asarray(u, dtype=float)
    out = -scale * np.sign(u - 0.5) * np.log1p(-2.0 * np.abs(u - 0.5))
    return float(out) if out.ndim == 0 else out


def private_mean(x, lower, upper, epsilon, z):
    """Right noise scale, but the raw mean: one outlier moves it arbitrarily far."""
    x = np.asarray(x, dtype=float)
    out = x.mean() + (upper - lower) / (x.size * epsilon) * np.asarray(z, dtype=float)
    return float(out) if out.ndim == 0 else out
