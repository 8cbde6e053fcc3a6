def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Moving averages are right, but used without bias correction."""
    params = np.asarray(params, dtype=float)
    grads = np.asarray(grads, dtype=float)
    new_m = beta1 * np.asarray(m, dtype=float) + (1 - beta1) * grads
    new_v = beta2 * np.asarray(v, dtype=float) + (1 - beta2) * grads ** 2
    new_params = params - lr * new_m / (np.sqrt(new_v) + eps)
    return new_params, new_m, new_v


def adam_minimize(A, b, x0, n_steps, lr=0.1):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    for t in range(1, n_steps + 1):
        x, m, v = adam_step(x, A @ x - b, m, v, t, lr=lr)
    return x
