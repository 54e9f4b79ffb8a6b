# Reference value for PrototypicalLossTests: the prototypical loss of Snell et al. written directly in PyTorch.
# Run with /usr/bin/python3 (Debian's PyTorch 1.13); the test never runs Python.
import torch

emb = torch.tensor([
    [0.1, 0.2], [0.3, -0.1], [1.0, 1.2],     # class 7: support = first row, queries = rows 1, 2
    [-0.5, 0.4], [-0.2, 0.9], [0.0, 0.0],    # class 3: support = row 3, queries = rows 4, 5
    [2.0, -1.0], [1.5, -0.5], [0.4, 0.1],    # class 9: support = row 6, queries = rows 7, 8
], dtype=torch.float64)
labels = torch.tensor([7, 7, 7, 3, 3, 3, 9, 9, 9])
# Shuffle the rows: the loss must find each class's first image in batch order, not rely on grouping.
order = torch.tensor([3, 0, 6, 4, 1, 7, 8, 5, 2])
emb, labels = emb[order], labels[order]

classes, first = [], []
for i, l in enumerate(labels.tolist()):
    if l not in classes:
        classes.append(l)
        first.append(i)
protos = emb[first]
queries = [i for i in range(len(labels)) if i not in first]
q = emb[queries]
targets = torch.tensor([classes.index(labels[i].item()) for i in queries])
d2 = ((q[:, None, :] - protos[None, :, :]) ** 2).sum(-1)
loss = torch.nn.functional.cross_entropy(-d2, targets)
print("order", order.tolist())
print("loss %.12f" % loss.item())
