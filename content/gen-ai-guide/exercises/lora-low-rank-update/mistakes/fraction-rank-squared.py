def lora_forward(x, W, b, A, B, alpha):
    r = A.shape[0]
    return x @ W.T + b + (alpha / r) * ((x @ A.T) @ B.T)


def lora_merge(W, A, B, alpha):
    return W + (alpha / A.shape[0]) * (B @ A)


def lora_trainable_fraction(d_in, d_out, r):
    """Counts an r x r matrix per layer instead of A (r x d_in) and B (d_out x r)."""
    return r * r / (d_in * d_out)
