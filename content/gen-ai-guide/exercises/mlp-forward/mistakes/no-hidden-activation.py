def mlp_forward(X, W1, b1, W2, b2):
    """Forgets the hidden ReLU: the network collapses to one linear map."""
    return (X @ W1 + b1) @ W2 + b2
