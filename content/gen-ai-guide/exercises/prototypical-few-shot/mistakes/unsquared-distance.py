def prototypes(support, labels, n_classes):
    protos = []
    for k in range(n_classes):
        members = support[labels == k]
        if members.shape[0] == 0:
            raise ValueError(f"class {k} has no support example")
        protos.append(members.mean(dim=0))
    return torch.stack(protos)


def classify(queries, protos):
    d = torch.cdist(queries, protos)       # Euclidean distance, not squared
    return torch.log_softmax(-d, dim=1)
