def freeze_backbone(model):
    for p in model.parameters():          # the head is frozen as well
        p.requires_grad = False
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad))


def fine_tune_step(model, x, y, lr):
    params = [p for p in model.parameters() if p.requires_grad]
    loss = F.cross_entropy(model(x), y)
    if params:
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
    return loss.item()
