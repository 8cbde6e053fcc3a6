def correlated_scenarios(mu, cov, z):
    L = np.linalg.cholesky(np.asarray(cov, dtype=float))
    return np.asarray(mu, dtype=float) + np.asarray(z, dtype=float) @ L.T


def portfolio_loss(returns, weights, value):
    return -value * (np.asarray(returns, dtype=float) @ np.asarray(weights, dtype=float))


def var_es(losses, alpha):
    """Reads the best days, not the worst: the (1 - alpha) quantile and the mean below it."""
    ordered = np.sort(np.asarray(losses, dtype=float))
    k = math.ceil((1 - alpha) * ordered.size)
    return float(ordered[k - 1]), float(ordered[:k].mean())
