def iqr_outliers(x, k=1.5):
    x = np.asarray(x, dtype=float)
    q1, q3 = np.percentile(x, [25, 75])
    iqr = q3 - q1
    return (x < q1 - k * iqr) | (x > q3 + k * iqr)


def zscore_outliers(x, threshold=3.0):
    """Forgets the absolute value: only unusually large values are flagged."""
    x = np.asarray(x, dtype=float)
    std = x.std()
    if std == 0:
        return np.zeros(x.shape, dtype=bool)
    return (x - x.mean()) / std > threshold
