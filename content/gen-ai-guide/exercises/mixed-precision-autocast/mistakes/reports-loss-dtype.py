def amp_train_step(model, x, y, lr):
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    amp_dtype = torch.float16 if device.type == 'cuda' else torch.bfloat16
    model.to(device)
    x, y = x.to(device), y.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    optimizer.zero_grad()
    with torch.autocast(device_type=device.type, dtype=amp_dtype):
        out = model(x)
        loss = F.mse_loss(out.float(), y)
    if device.type == 'cuda':
        scaler = torch.amp.GradScaler('cuda', init_scale=1024.0)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    else:
        loss.backward()
        optimizer.step()
    return loss.detach().float().cpu(), str(loss.dtype).replace('torch.', '')   # the loss is float32
