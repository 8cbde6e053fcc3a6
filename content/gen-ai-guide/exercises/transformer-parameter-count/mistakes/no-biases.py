def gpt_param_count(vocab_size, context_length, d_model, n_layers, d_ff=None, tied=True):
    """Counts only the weight matrices of the linear layers, no biases."""
    d = d_model
    d_ff = 4 * d if d_ff is None else d_ff
    embeddings = vocab_size * d + context_length * d
    per_layer = 2 * d + 3 * d * d + d * d + 2 * d + 2 * d * d_ff
    lm_head = 0 if tied else vocab_size * d
    return {"embeddings": embeddings, "per_layer": per_layer, "final_norm": 2 * d, "lm_head": lm_head,
            "total": embeddings + n_layers * per_layer + 2 * d + lm_head}
