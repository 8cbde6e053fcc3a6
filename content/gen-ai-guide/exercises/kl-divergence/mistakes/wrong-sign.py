def kl_discrete(p, q):
    """Log ratio upside down: sum p log(q / p) = -KL(P || Q)."""
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    support = p > 0
    return float(np.sum(p[support] * np.log(q[support] / p[support])))


def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    mu_p, sigma_p, mu_q, sigma_q = (np.asarray(a, dtype=float) for a in (mu_p, sigma_p, mu_q, sigma_q))
    per_dim = (np.log(sigma_q / sigma_p)
               + (sigma_p ** 2 + (mu_p - mu_q) ** 2) / (2.0 * sigma_q ** 2)
               - 0.5)
    return np.sum(per_dim, axis=-1)
