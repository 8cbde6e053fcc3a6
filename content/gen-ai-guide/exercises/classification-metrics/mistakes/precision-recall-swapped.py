def precision_recall_f1(y_true, y_pred):
    """Divides by the actual positives for 'precision' and by the predicted ones for 'recall'."""
    y_true = np.asarray(y_true).astype(bool)
    y_pred = np.asarray(y_pred).astype(bool)
    tp = np.sum(y_true & y_pred)
    fp = np.sum(~y_true & y_pred)
    fn = np.sum(y_true & ~y_pred)
    precision = tp / (tp + fn) if tp + fn > 0 else 0.0
    recall = tp / (tp + fp) if tp + fp > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return float(precision), float(recall), float(f1)


def roc_auc(y_true, scores):
    y_true = np.asarray(y_true).astype(bool)
    scores = np.asarray(scores, dtype=float)
    pos, neg = scores[y_true], scores[~y_true]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("need both classes")
    wins = np.sum(pos[:, None] > neg[None, :])
    ties = np.sum(pos[:, None] == neg[None, :])
    return float((wins + 0.5 * ties) / (len(pos) * len(neg)))
