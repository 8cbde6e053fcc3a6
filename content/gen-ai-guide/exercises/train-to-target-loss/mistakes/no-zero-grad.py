def train(model_seed, steps):
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    X, y = make_regression_data()
    X, y = X.to(device), y.to(device)
    torch.manual_seed(model_seed)
    model = make_mlp().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    history = []
    for _ in range(steps):
        pred = model(X).squeeze(-1)      # no optimizer.zero_grad(): gradients pile up
        loss = F.mse_loss(pred, y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return model, history
