def gram_matrix(features):
    B, C, H, W = features.shape
    f = features.reshape(B, C, H * W)
    return f @ f.transpose(1, 2)            # missing / (C * H * W)


def style_loss(gen_features, style_features):
    return torch.mean((gram_matrix(gen_features) - gram_matrix(style_features)) ** 2)
