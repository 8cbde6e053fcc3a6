def multi_head_attention(x, w_q, w_k, w_v, w_o, num_heads):
    B, T, d_model = x.shape
    if d_model % num_heads != 0:
        raise ValueError("d_model must be divisible by num_heads")
    d_head = d_model // num_heads

    def split(t):
        return t.reshape(B, num_heads, T, d_head)     # no transpose: positions and heads get mixed

    q, k, v = split(x @ w_q), split(x @ w_k), split(x @ w_v)
    weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d_head), dim=-1)
    heads = weights @ v
    merged = heads.reshape(B, T, d_model)
    return merged @ w_o
