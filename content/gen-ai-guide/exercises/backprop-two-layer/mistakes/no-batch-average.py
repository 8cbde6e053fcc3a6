def backprop(X, Y, W1, b1, W2, b2):
    """Differentiates the sum of squared errors: no division by N * C."""
    H_pre = X @ W1 + b1
    H = np.maximum(0.0, H_pre)
    Y_hat = H @ W2 + b2
    dY = 2.0 * (Y_hat - Y)
    dW2 = H.T @ dY
    db2 = dY.sum(axis=0)
    dH_pre = (dY @ W2.T) * (H_pre > 0)
    dW1 = X.T @ dH_pre
    db1 = dH_pre.sum(axis=0)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
