def noise_images_on_device(x0, t, noise, betas):
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    x0, noise, t, betas = x0.to(device), noise.to(device), t.to(device), betas.to(device)
    a = (1 - betas)[t].view(-1, 1, 1, 1)                 # alpha_t of one step, not alpha_bar
    return (a.sqrt() * x0 + (1 - a).sqrt() * noise).cpu()


def predict_x0_on_device(x_t, t, eps, betas):
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    x_t, eps, t, betas = x_t.to(device), eps.to(device), t.to(device), betas.to(device)
    a = (1 - betas)[t].view(-1, 1, 1, 1)
    return ((x_t - (1 - a).sqrt() * eps) / a.sqrt()).cpu()
