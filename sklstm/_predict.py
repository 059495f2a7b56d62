"""Prediction in blocks: the network's outputs for many samples without autograd.

Samples are scaled a block at a time (never a float32 copy of the whole input), moved to the
device, read by the module in inference mode and brought back as float64.
"""

import numpy as np
import torch

from ._lazy_windows import dense
from ._net import (EVAL_BATCH_ELEMENTS, autocast, compact_recurrent_weights, step_width,
                   to_device_tensor)

# Predictions run on whole blocks of this many rows (padded with zeros): see ``forward``.
PREDICT_ROW_BLOCK = 16


def forward(net, scaling, X3, lengths=None, view=None):
    """Module outputs (float64 ndarray) for validated samples ``X3`` in the user's units.

    ``scaling`` maps each block into the network's frame; ``view(Xb, lengths_b) -> (Xb,
    lengths_b)``, if given, changes each scaled block before the network reads it (the
    classifier's prediction-time crops).
    """
    module, device = net.module_, net.device
    module.eval()
    compact_recurrent_weights(module)
    n = X3.shape[0]
    width = step_width(module, int(np.prod(X3.shape[2:])))
    size = max(PREDICT_ROW_BLOCK, EVAL_BATCH_ELEMENTS // max(1, X3.shape[1] * width))
    size -= size % PREDICT_ROW_BLOCK
    lengths = None if lengths is None else torch.as_tensor(lengths)
    outputs = []
    with torch.inference_mode():
        for start in range(0, n, size):
            xb = to_device_tensor(scaling.transform(dense(X3[start : start + size])), device)
            lb = None if lengths is None else lengths[start : start + size].to(device)
            if view is not None:
                xb, lb = view(xb, lb)
            rows = xb.shape[0]
            extra = -rows % PREDICT_ROW_BLOCK
            if extra:
                # BLAS rounds rows of a partial block (and lone rows) differently in the
                # last bit; zero rows up to whole blocks keep a window's prediction the
                # same whether it is predicted alone or among others.
                xb = torch.cat([xb, xb.new_zeros((extra,) + xb.shape[1:])])
                if lb is not None:
                    lb = torch.cat([lb, lb.new_full((extra,), xb.shape[1])])
            with autocast(net):
                out = module(xb) if lb is None else module(xb, lengths=lb)
            outputs.append(out[:rows].float().cpu().numpy())
    return np.concatenate(outputs, axis=0).astype(np.float64)
