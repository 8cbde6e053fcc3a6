def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float32)


def alpha_bar_schedule(betas):
    return torch.cumprod(1.0 - betas, dim=0)


def q_sample(x0, t, noise, betas):
    ab = alpha_bar_schedule(betas)[t].to(x0.dtype)
    ab = ab.reshape(-1, *([1] * (x0.dim() - 1)))
    return ab * x0 + (1.0 - ab) * noise
