def iqr_outliers(x, k=1.5):
    """Fences at median +- k * IQR instead of Q1 - k * IQR and Q3 + k * IQR."""
    x = np.asarray(x, dtype=float)
    q1, q3 = np.percentile(x, [25, 75])
    iqr = q3 - q1
    med = np.median(x)
    return (x < med - k * iqr) | (x > med + k * iqr)


def zscore_outliers(x, threshold=3.0):
    x = np.asarray(x, dtype=float)
    std = x.std()
    if std == 0:
        return np.zeros(x.shape, dtype=bool)
    return np.abs(x - x.mean()) / std > threshold
