def attention(q, k, v, causal=False):
    scores = q @ k.transpose(-2, -1)           # missing / sqrt(d)
    if causal:
        tq, tk = q.shape[-2], k.shape[-2]
        if tq != tk:
            raise ValueError("causal attention needs as many queries as keys")
        mask = torch.triu(torch.ones(tq, tk, dtype=torch.bool), diagonal=1)
        scores = scores.masked_fill(mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights
