def guided_noise(eps_uncond, eps_cond, scale):
    return eps_uncond + scale * (eps_cond - eps_uncond)


def guided_noise_from_batch(model_out, scale):
    half = model_out.shape[0] // 2
    return guided_noise(model_out[:half], model_out[half:], scale)


def predict_x0(x_t, eps, alpha_bar):
    """Uses the variances (1 - alpha_bar, alpha_bar) where the standard deviations belong."""
    return (x_t - (1.0 - alpha_bar) * eps) / alpha_bar
