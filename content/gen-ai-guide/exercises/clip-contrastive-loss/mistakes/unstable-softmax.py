def clip_loss(image_emb, text_emb, temperature):
    """Textbook softmax without the max shift: overflows for small temperatures."""
    img = image_emb / np.linalg.norm(image_emb, axis=1, keepdims=True)
    txt = text_emb / np.linalg.norm(text_emb, axis=1, keepdims=True)
    z = img @ txt.T / temperature
    e = np.exp(z)
    rows = -np.mean(np.log(np.diag(e) / e.sum(axis=1)))
    cols = -np.mean(np.log(np.diag(e) / e.sum(axis=0)))
    return float(0.5 * (rows + cols))
