def feature_stats(features):
    """np.cov treats rows as variables by default: an (n, n) matrix of sample similarities."""
    features = np.asarray(features, dtype=float)
    return features.mean(axis=0), np.cov(features)


def fid(mu1, sigma1, mu2, sigma2):
    w, v = np.linalg.eigh(sigma1)
    s = (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T
    lam = np.linalg.eigvalsh(s @ sigma2 @ s)
    diff = np.asarray(mu1, dtype=float) - np.asarray(mu2, dtype=float)
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.sqrt(np.clip(lam, 0.0, None)).sum())
