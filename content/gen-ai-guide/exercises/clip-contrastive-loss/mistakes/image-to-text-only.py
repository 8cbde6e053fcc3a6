def clip_loss(image_emb, text_emb, temperature):
    """Only the image -> text cross-entropy (rows): the captions never pick their image."""
    img = image_emb / np.linalg.norm(image_emb, axis=1, keepdims=True)
    txt = text_emb / np.linalg.norm(text_emb, axis=1, keepdims=True)
    z = img @ txt.T / temperature
    m = z.max(axis=1, keepdims=True)
    return float(-np.mean(np.diag(z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True)))))
