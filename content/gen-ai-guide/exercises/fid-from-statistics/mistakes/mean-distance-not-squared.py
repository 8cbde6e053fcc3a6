def feature_stats(features):
    features = np.asarray(features, dtype=float)
    return features.mean(axis=0), np.cov(features, rowvar=False)


def fid(mu1, sigma1, mu2, sigma2):
    """Uses the distance between the means, not its square."""
    w, v = np.linalg.eigh(sigma1)
    s = (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T
    lam = np.linalg.eigvalsh(s @ sigma2 @ s)
    diff = np.asarray(mu1, dtype=float) - np.asarray(mu2, dtype=float)
    return float(np.linalg.norm(diff) + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.sqrt(np.clip(lam, 0.0, None)).sum())
