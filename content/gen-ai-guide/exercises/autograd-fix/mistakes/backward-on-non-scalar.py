def grad_of_squares(values):
    x = torch.tensor(values, requires_grad=True)
    y = x ** 2
    y.backward()                 # as in the guide: y is not a scalar
    return x.grad


def jacobian_vector(values, v):
    x = torch.as_tensor(values).detach().clone()
    if not x.is_floating_point():
        x = x.float()
    x.requires_grad_(True)
    y = x ** 2
    y.backward(torch.as_tensor(v, dtype=x.dtype))
    return x.grad
