def gradient_descent(A, b, x0, lr, tol=1e-8, max_iter=10_000):
    """Steps along +gradient: gradient ascent, which diverges on a convex quadratic."""
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.array(x0, dtype=float)
    for k in range(max_iter + 1):
        g = A @ x - b
        if np.linalg.norm(g) <= tol or k == max_iter:
            return x, k
        x = x + lr * g
