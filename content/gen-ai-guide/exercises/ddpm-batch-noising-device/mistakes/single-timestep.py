def noise_images_on_device(x0, t, noise, betas):
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    x0, noise, t, betas = x0.to(device), noise.to(device), t.to(device), betas.to(device)
    ab = torch.cumprod(1 - betas, dim=0)[t[0]]          # one timestep for the whole batch
    return (ab.sqrt() * x0 + (1 - ab).sqrt() * noise).cpu()


def predict_x0_on_device(x_t, t, eps, betas):
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    x_t, eps, t, betas = x_t.to(device), eps.to(device), t.to(device), betas.to(device)
    ab = torch.cumprod(1 - betas, dim=0)[t[0]]
    return ((x_t - (1 - ab).sqrt() * eps) / ab.sqrt()).cpu()
