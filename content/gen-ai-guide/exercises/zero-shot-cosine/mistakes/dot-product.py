def zero_shot_classify(inputs, class_embeddings):
    sims = inputs @ class_embeddings.T          # no normalisation
    return sims.argmax(dim=1), sims
