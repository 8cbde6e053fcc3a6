def reparameterize(mu, logvar, eps):
    z = (mu + torch.exp(0.5 * logvar) * eps).detach()
    return z.requires_grad_()            # a new leaf: requires_grad is True, mu and logvar get nothing


def kl_term(mu, logvar):
    return -0.5 * torch.sum(1 + logvar - mu ** 2 - torch.exp(logvar), dim=-1)


def grad_of_loss(mu, logvar, eps):
    mu = mu.detach().clone().requires_grad_(True)
    logvar = logvar.detach().clone().requires_grad_(True)
    std = torch.exp(0.5 * logvar)
    z = mu + std * eps
    loss = (z ** 2).sum() + kl_term(mu, logvar).sum()
    loss.backward()
    return mu.grad, logvar.grad
