"""Export a fitted estimator as an ONNX graph that serves without PyTorch.

The graph holds the whole prediction: the input scaling (global statistics, or each
window's own under ``scaling="window"``), the network, and the mapping of its outputs back to
the user's units (forecasters) or to class probabilities (classifier). The scaling is done in
float64 inside the graph, as ``predict`` does it, so that outputs match ``predict`` to float32
rounding of the network itself.
"""

import contextlib
import copy
import io
import logging
import warnings

import numpy as np
import torch
from torch import nn

from ._scaling import GlobalScaling, TargetTransform, WindowScaling

INPUT_NAME = "X"
OPSET = 17


class ServingGraph(nn.Module):
    """Scaling + network + output mapping of a fitted estimator, as one torch module."""

    def __init__(self, estimator, kind):
        super().__init__()
        self.network = copy.deepcopy(estimator.net_.module_).to("cpu").float().eval()
        self.kind = kind
        scaling = estimator.scaling_
        # log_transform / difference of the target feature, before the scaling.
        self.transform = isinstance(scaling, TargetTransform)
        if self.transform:
            self.log, self.difference = scaling.log, scaling.difference
            self.transformed_feature = scaling.target_feature
            scaling = scaling.inner
        self.window = isinstance(scaling, WindowScaling)
        if self.window:
            self.target_feature = scaling.target_feature
            floor = getattr(scaling, "floor", None)
            self.has_floor = floor is not None
            if self.has_floor:
                self.register_buffer("floor", torch.as_tensor(floor, dtype=torch.float64))
            covariates = getattr(scaling, "covariate_mean", None)
            self.has_covariates = covariates is not None and len(covariates) > 1
            if self.has_covariates:  # the other features: training statistics, as WindowScaling
                others = np.arange(len(covariates)) != scaling.target_feature
                self.register_buffer("others", torch.as_tensor(others))
                self.register_buffer("covariate_mean",
                                     torch.as_tensor(covariates, dtype=torch.float64))
                self.register_buffer("covariate_scale",
                                     torch.as_tensor(scaling.covariate_scale, dtype=torch.float64))
        elif isinstance(scaling, GlobalScaling):
            as64 = lambda v: torch.as_tensor(v, dtype=torch.float64)  # noqa: E731
            self.register_buffer("input_mean", as64(scaling.input_mean))
            self.register_buffer("input_scale", as64(scaling.input_scale))
            self.register_buffer("target_mean", as64(scaling.target_mean))
            self.register_buffer("target_scale", as64(scaling.target_scale))
        else:
            raise NotImplementedError(
                f"to_onnx exports global and per-window scaling; this model was fitted with "
                f"scaling={getattr(estimator, 'scaling', None)!r} ({type(scaling).__name__}). "
                "Refit it with scaling='global' to export it."
            )

    def _transformed(self, x):
        """As TargetTransform: the target feature's log and/or differences, and its last value."""
        f = self.transformed_feature
        column = x[:, :, f : f + 1]
        if self.log:
            column = torch.log(column)
        last = column[:, -1, :]
        if self.difference:
            column = column - torch.cat([column[:, :1], column[:, :-1]], dim=1)
        return torch.cat([x[:, :, :f], column, x[:, :, f + 1 :]], dim=2), last

    def forward(self, X):
        x = X.to(torch.float64)
        if self.transform:
            x, last = self._transformed(x)
        out = self._scaled_forward(x)
        if self.kind == "forecaster" and self.transform:
            if self.difference:
                out = last + torch.cumsum(out, dim=1)
            if self.log:
                out = torch.exp(out)
        return out

    def _scaled_forward(self, x):
        if self.window:
            loc = x[:, -1:, :]
            deviation = x.std(dim=1, unbiased=False, keepdim=True)
            if self.has_floor:  # as WindowScaling: at least a share of the training median
                scale = torch.maximum(deviation, self.floor)
            else:
                scale = torch.where(deviation > 0, deviation, torch.ones_like(deviation))
            if self.has_covariates:
                loc = torch.where(self.others, self.covariate_mean, loc)
                scale = torch.where(self.others, self.covariate_scale, scale)
            scaled = (x - loc) / scale
        else:
            scaled = (x - self.input_mean) / self.input_scale
        out = self.network(scaled.to(torch.float32)).to(torch.float64)
        if self.kind == "classifier":
            return torch.softmax(out, dim=1)
        if self.window:
            feature = self.target_feature
            return out * scale[:, 0, feature : feature + 1] + loc[:, 0, feature : feature + 1]
        return out * self.target_scale + self.target_mean


def export_onnx(estimator, path, kind, dynamic_time):
    """Write ``estimator`` as an ONNX model with a dynamic batch axis (and time axis)."""
    try:
        import onnx  # noqa: F401
    except ImportError as error:
        raise ImportError(
            "to_onnx needs the onnx package: pip install 'sklstm[onnx]' -c constraints.txt "
            "(or pip install onnx)."
        ) from error
    estimator._check_fitted()
    graph = ServingGraph(estimator, kind)
    n_timesteps = estimator.n_timesteps_in_
    example = torch.zeros((2, n_timesteps, estimator._n_step_features), dtype=torch.float32)
    example[1] = 1.0  # a window with a scale: the export traces the usual path
    example[0, :, :] = torch.linspace(0, 1, n_timesteps)[:, None]
    axes = {0: "batch", 1: "time"} if dynamic_time else {0: "batch"}
    output = "probabilities" if kind == "classifier" else "forecast"
    with _quiet_export():
        # TorchScript-based exporter: it maps nn.LSTM/nn.GRU to ONNX's own LSTM/GRU
        # operators, whose sequence length stays dynamic; torch.export unrolls the recurrence
        # over a fixed number of steps.
        torch.onnx.export(
            graph,
            (example,),
            str(path),
            dynamo=False,
            input_names=[INPUT_NAME],
            output_names=[output],
            dynamic_axes={INPUT_NAME: axes, output: {0: "batch"}},
            opset_version=OPSET,
        )
    _add_metadata(path, estimator, kind)


def _add_metadata(path, estimator, kind):
    """What a server needs beside the graph: the labels, the horizon, the window length."""
    import json

    import onnx

    from . import __version__

    model = onnx.load(str(path))
    info = {"sklstm_version": __version__, "estimator": type(estimator).__name__,
            "n_timesteps": int(estimator.n_timesteps_in_),
            "n_features": int(estimator._n_step_features)}
    if kind == "classifier":
        info["classes"] = estimator.classes_.tolist()
    else:
        info["horizon"] = int(estimator.horizon_)
    for key, value in info.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, json.dumps(value)
    onnx.save(model, str(path))


@contextlib.contextmanager
def _quiet_export():
    """The exporter prints progress and warns about internals of torch (and logs that
    optional torchvision operators are missing): keep users' logs clean."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
