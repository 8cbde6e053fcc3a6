def relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def relu_grad(x):
    return (np.asarray(x) > 0).astype(float)


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_grad(x):
    x = np.asarray(x, dtype=float)
    return np.exp(-x) / (1.0 + np.exp(-x)) ** 2


def tanh(x):
    x = np.asarray(x, dtype=float)
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))


def tanh_grad(x):
    return 1.0 - tanh(x) ** 2
