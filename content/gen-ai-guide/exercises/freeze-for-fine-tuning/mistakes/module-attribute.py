def freeze_backbone(model):
    model.backbone.requires_grad = False  # a plain attribute on the module: no parameter changes
    model.head.requires_grad = True
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
