def kl_discrete(p, q):
    """Computes KL(Q || P) instead of KL(P || Q)."""
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    support = q > 0
    if np.any(p[support] == 0):
        return float("inf")
    return float(np.sum(q[support] * np.log(q[support] / p[support])))


def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    """Closed form with the roles of p and q exchanged."""
    mu_p, sigma_p, mu_q, sigma_q = (np.asarray(a, dtype=float) for a in (mu_p, sigma_p, mu_q, sigma_q))
    per_dim = (np.log(sigma_p / sigma_q)
               + (sigma_q ** 2 + (mu_q - mu_p) ** 2) / (2.0 * sigma_p ** 2)
               - 0.5)
    return np.sum(per_dim, axis=-1)
