def lora_forward(x, W, b, A, B, alpha):
    """Scales the update by alpha instead of alpha / r."""
    return x @ W.T + b + alpha * ((x @ A.T) @ B.T)


def lora_merge(W, A, B, alpha):
    return W + alpha * (B @ A)


def lora_trainable_fraction(d_in, d_out, r):
    return r * (d_in + d_out) / (d_in * d_out)
