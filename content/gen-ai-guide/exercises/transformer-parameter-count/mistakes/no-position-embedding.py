def gpt_param_count(vocab_size, context_length, d_model, n_layers, d_ff=None, tied=True):
    """Forgets GPT-2's learned position embedding (T x d)."""
    d = d_model
    d_ff = 4 * d if d_ff is None else d_ff
    embeddings = vocab_size * d
    per_layer = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (2 * d * d_ff + d_ff + d)
    lm_head = 0 if tied else vocab_size * d
    return {"embeddings": embeddings, "per_layer": per_layer, "final_norm": 2 * d, "lm_head": lm_head,
            "total": embeddings + n_layers * per_layer + 2 * d + lm_head}
