def gradient_descent(A, b, x0, lr, tol=1e-8, max_iter=10_000):
    """Differentiates 0.5 x^T A x as 0.5 A x: converges, but to the wrong point (2 A^-1 b)."""
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.array(x0, dtype=float)
    for k in range(max_iter + 1):
        g = 0.5 * A @ x - b
        if np.linalg.norm(g) <= tol or k == max_iter:
            return x, k
        x = x - lr * g
