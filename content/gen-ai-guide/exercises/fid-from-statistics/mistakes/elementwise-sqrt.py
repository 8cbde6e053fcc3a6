def feature_stats(features):
    features = np.asarray(features, dtype=float)
    return features.mean(axis=0), np.cov(features, rowvar=False)


def fid(mu1, sigma1, mu2, sigma2):
    """Takes the square root of each entry of sigma1 @ sigma2, not the matrix square root."""
    diff = np.asarray(mu1, dtype=float) - np.asarray(mu2, dtype=float)
    cross = np.sqrt(np.abs(sigma1 @ sigma2))
    return float(diff @ diff + np.trace(sigma1 + sigma2 - 2.0 * cross))
