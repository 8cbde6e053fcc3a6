def correlated_scenarios(mu, cov, z):
    """Scales each asset by its own standard deviation: the correlations are lost."""
    return np.asarray(mu, dtype=float) + np.asarray(z, dtype=float) * np.sqrt(np.diag(cov))


def portfolio_loss(returns, weights, value):
    return -value * (np.asarray(returns, dtype=float) @ np.asarray(weights, dtype=float))


def var_es(losses, alpha):
    ordered = np.sort(np.asarray(losses, dtype=float))
    k = math.ceil(alpha * ordered.size)
    return float(ordered[k - 1]), float(ordered[k - 1:].mean())
