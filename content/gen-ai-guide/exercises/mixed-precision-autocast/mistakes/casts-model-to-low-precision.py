def amp_train_step(model, x, y, lr):
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    amp_dtype = torch.float16 if device.type == 'cuda' else torch.bfloat16
    model.to(device=device, dtype=amp_dtype)          # the weights themselves become 16-bit
    x, y = x.to(device, amp_dtype), y.to(device, amp_dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    optimizer.zero_grad()
    out = model(x)
    loss = F.mse_loss(out, y)
    loss.backward()
    optimizer.step()
    return loss.detach().float().cpu(), str(out.dtype).replace('torch.', '')
