def mlp_forward(X, W1, b1, W2, b2):
    """Applies ReLU after the output layer too."""
    hidden = np.maximum(0.0, X @ W1 + b1)
    return np.maximum(0.0, hidden @ W2 + b2)
