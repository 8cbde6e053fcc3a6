def fairness_report(y_true, y_pred, group):
    """Reports the equal-opportunity gap (TPR only) as the equalized odds difference."""
    y_true = np.asarray(y_true).astype(bool)
    y_pred = np.asarray(y_pred).astype(bool)
    group = np.asarray(group)
    groups = np.unique(group)
    sel = np.array([y_pred[group == g].mean() for g in groups])
    tpr = np.array([y_pred[(group == g) & y_true].mean() for g in groups])
    fpr = np.array([y_pred[(group == g) & ~y_true].mean() for g in groups])
    return {"groups": groups, "selection_rate": sel, "tpr": tpr, "fpr": fpr,
            "demographic_parity_difference": float(sel.max() - sel.min()),
            "disparate_impact_ratio": float(sel.min() / sel.max()),
            "equalized_odds_difference": float(tpr.max() - tpr.min())}
