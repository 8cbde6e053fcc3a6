def zero_shot_classify(inputs, class_embeddings):
    x = inputs / inputs.norm(dim=1, keepdim=True)
    c = class_embeddings / class_embeddings.norm(dim=1, keepdim=True)
    sims = x @ c.T
    return sims.argmax(dim=1), sims
