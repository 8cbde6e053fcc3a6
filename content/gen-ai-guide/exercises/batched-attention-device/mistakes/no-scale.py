def causal_attention_on_device(q, k, v):
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    q, k, v = q.to(device), k.to(device), v.to(device)
    T = q.shape[-2]
    scores = q @ k.transpose(-2, -1)                      # missing / sqrt(D)
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool, device=device), diagonal=1)
    weights = torch.softmax(scores.masked_fill(mask, float('-inf')), dim=-1)
    return (weights @ v).cpu()
