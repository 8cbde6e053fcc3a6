def greedy_decode(log_probs, start, steps):
    tokens, score, prev = [], 0.0, start
    for _ in range(steps):
        nxt = int(np.argmax(log_probs[prev]))
        score += float(log_probs[prev, nxt])
        tokens.append(nxt)
        prev = nxt
    return tokens, score


def beam_search(log_probs, start, steps, beam_width):
    """Adds probabilities instead of log-probabilities: ranks sequences by the wrong score."""
    probs = np.exp(log_probs)
    beams = [([], 0.0)]
    for _ in range(steps):
        cands = []
        for tokens, score in beams:
            prev = tokens[-1] if tokens else start
            cands += [(tokens + [v], score + float(probs[prev, v])) for v in range(probs.shape[1])]
        beams = sorted(cands, key=lambda c: c[1], reverse=True)[:beam_width]
    return beams[0]
