def reparameterize(mu, logvar, eps):
    return mu + torch.exp(logvar) * eps      # exp(logvar) is the variance, not sigma


def kl_term(mu, logvar):
    return -0.5 * torch.sum(1 + logvar - mu ** 2 - torch.exp(logvar), dim=-1)


def grad_of_loss(mu, logvar, eps):
    mu = mu.detach().clone().requires_grad_(True)
    logvar = logvar.detach().clone().requires_grad_(True)
    z = reparameterize(mu, logvar, eps)
    loss = (z ** 2).sum() + kl_term(mu, logvar).sum()
    loss.backward()
    return mu.grad, logvar.grad
