def causal_attention_on_device(q, k, v):
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    q, k, v = q.to(device), k.to(device), v.to(device)
    T, D = q.shape[-2], q.shape[-1]
    weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(D), dim=-1)
    keep = torch.tril(torch.ones(T, T, device=device))
    return ((weights * keep) @ v).cpu()                   # masked after the softmax
