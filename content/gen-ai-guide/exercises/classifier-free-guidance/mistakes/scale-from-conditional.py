def guided_noise(eps_uncond, eps_cond, scale):
    """Extrapolates from the conditional prediction: scale 1 is not the conditional model."""
    return eps_cond + scale * (eps_cond - eps_uncond)


def guided_noise_from_batch(model_out, scale):
    half = model_out.shape[0] // 2
    return guided_noise(model_out[:half], model_out[half:], scale)


def predict_x0(x_t, eps, alpha_bar):
    return (x_t - np.sqrt(1.0 - alpha_bar) * eps) / np.sqrt(alpha_bar)
