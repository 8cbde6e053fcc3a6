def lstm_cell_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, g, o = gates.chunk(4, dim=1)
    i, o = torch.sigmoid(i), torch.sigmoid(o)
    f = torch.tanh(f)                     # a gate must be a sigmoid, in (0, 1)
    g = torch.tanh(g)
    c_new = f * c + i * g
    h_new = o * torch.tanh(c_new)
    return h_new, c_new
