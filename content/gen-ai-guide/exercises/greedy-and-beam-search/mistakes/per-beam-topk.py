def greedy_decode(log_probs, start, steps):
    tokens, score, prev = [], 0.0, start
    for _ in range(steps):
        nxt = int(np.argmax(log_probs[prev]))
        score += float(log_probs[prev, nxt])
        tokens.append(nxt)
        prev = nxt
    return tokens, score


def beam_search(log_probs, start, steps, beam_width):
    """Extends each beam by its own best token only: beam_width independent greedy paths."""
    first = np.argsort(-log_probs[start])[:beam_width]
    beams = [([int(t)], float(log_probs[start, t])) for t in first]
    for _ in range(steps - 1):
        beams = [(tokens + [int(np.argmax(log_probs[tokens[-1]]))],
                  score + float(np.max(log_probs[tokens[-1]]))) for tokens, score in beams]
    return max(beams, key=lambda b: b[1])
