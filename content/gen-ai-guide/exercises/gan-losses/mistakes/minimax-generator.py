def discriminator_loss(real_logits, fake_logits):
    real_term = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake_term = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real_term + fake_term


def generator_loss(fake_logits):
    # minimax form: minimise log(1 - D(G(z))) = -softplus(s); saturates when D rejects the fakes
    return -F.softplus(fake_logits).mean()
