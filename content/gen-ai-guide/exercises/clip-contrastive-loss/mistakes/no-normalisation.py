def clip_loss(image_emb, text_emb, temperature):
    """Raw dot products: the loss depends on the embedding norms."""
    z = image_emb @ text_emb.T / temperature

    def ce(z):
        m = z.max(axis=1, keepdims=True)
        return -np.mean(np.diag(z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))))

    return float(0.5 * (ce(z) + ce(z.T)))
