def fairness_report(y_true, y_pred, group):
    """Disparate impact as max / min, a number >= 1 that the 80 % rule cannot read."""
    y_true = np.asarray(y_true).astype(bool)
    y_pred = np.asarray(y_pred).astype(bool)
    group = np.asarray(group)
    groups = np.unique(group)
    sel = np.array([y_pred[group == g].mean() for g in groups])
    tpr = np.array([y_pred[(group == g) & y_true].mean() for g in groups])
    fpr = np.array([y_pred[(group == g) & ~y_true].mean() for g in groups])
    return {"groups": groups, "selection_rate": sel, "tpr": tpr, "fpr": fpr,
            "demographic_parity_difference": float(sel.max() - sel.min()),
            "disparate_impact_ratio": float(sel.max() / sel.min()),
            "equalized_odds_difference": float(max(tpr.max() - tpr.min(), fpr.max() - fpr.min()))}
