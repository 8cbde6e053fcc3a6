def guided_noise(eps_uncond, eps_cond, scale):
    return eps_uncond + scale * (eps_cond - eps_uncond)


def guided_noise_from_batch(model_out, scale):
    """Takes the first half as the conditional prediction: guides away from the prompt."""
    half = model_out.shape[0] // 2
    return guided_noise(model_out[half:], model_out[:half], scale)


def predict_x0(x_t, eps, alpha_bar):
    return (x_t - np.sqrt(1.0 - alpha_bar) * eps) / np.sqrt(alpha_bar)
