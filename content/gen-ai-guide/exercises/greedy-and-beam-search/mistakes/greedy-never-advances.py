def greedy_decode(log_probs, start, steps):
    """Always conditions on the start token: repeats the same most likely first token."""
    nxt = int(np.argmax(log_probs[start]))
    return [nxt] * steps, float(log_probs[start, nxt]) * steps


def beam_search(log_probs, start, steps, beam_width):
    beams = [([], 0.0)]
    for _ in range(steps):
        cands = []
        for tokens, score in beams:
            prev = tokens[-1] if tokens else start
            cands += [(tokens + [v], score + float(log_probs[prev, v])) for v in range(log_probs.shape[1])]
        beams = sorted(cands, key=lambda c: c[1], reverse=True)[:beam_width]
    return beams[0]
