"""Export a fitted estimator as an ONNX graph that serves without PyTorch.

The graph holds the whole prediction: the input scaling (the torch form of the fitted
``Scaling``, whichever it is), the network, and the mapping of its outputs back to the
user's units (forecasters) or to class probabilities (classifier). The scaling is done in
float64 inside the graph, as ``predict`` does it, so that outputs match ``predict`` to float32
rounding of the network itself.
"""

import contextlib
import copy
import io
import logging
import warnings

import torch
from torch import nn


INPUT_NAME = "X"
OPSET = 17


class ServingGraph(nn.Module):
    """Scaling + network + output mapping of a fitted estimator, as one torch module.

    The scaling's own torch form (``Scaling.torch_form``) encodes the input and decodes the
    network's outputs; this class only chains them around the network.
    """

    def __init__(self, estimator, kind):
        super().__init__()
        self.network = copy.deepcopy(estimator.net_.module_).to("cpu").float().eval()
        self.kind = kind
        try:
            self.scaling = estimator.scaling_.torch_form()
        except NotImplementedError as error:
            raise NotImplementedError(
                f"{error} This model was fitted with scaling="
                f"{getattr(estimator, 'scaling', None)!r}; refit it with another scaling "
                "to export it."
            ) from None

        # A probabilistic head: the median is the forecast, and a second output holds the
        # head's quantiles at its levels (its own, uncalibrated: see export_onnx).
        self.head = getattr(estimator, "head_", None)
        if self.head is not None:
            from scipy.stats import norm

            from ._intervals import median_channel, spread_scaling

            if self.head == "student_t":
                raise NotImplementedError(
                    "to_onnx cannot export criterion='student_t': ONNX has no quantile "
                    "function of Student's t. Refit with criterion='normal' or 'quantile' "
                    "to export the head, or with a point loss.")
            self.median = median_channel(estimator)
            self.spread = spread_scaling(estimator.scaling_).torch_form()
            levels = estimator.quantile_levels_
            # Standard-normal quantiles of the levels (a normal head's location + scale * z).
            self.register_buffer("z", torch.as_tensor(norm.ppf(levels), dtype=torch.float64))

    def forward(self, X):
        scaled, context = self.scaling.encode(X.to(torch.float64))
        out = self.network(scaled.to(torch.float32)).to(torch.float64)
        if self.kind == "classifier":
            return torch.softmax(out, dim=1)
        if self.head is None:
            return self.scaling.decode(out, context)
        median = out[..., self.median]
        point = self.scaling.decode(median, context)
        base = self.spread.decode(median, context)
        network = out if self.head == "quantile" else out[..., :1] + out[..., 1:2] * self.z
        quantiles = [point + self.spread.decode(network[..., j], context) - base
                     for j in range(network.shape[-1])]
        return point, torch.stack(quantiles, dim=-1)


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
    outputs = [output]
    dynamic = {INPUT_NAME: axes, output: {0: "batch"}}
    if getattr(estimator, "head_", None) is not None:
        outputs.append("quantiles")
        dynamic["quantiles"] = {0: "batch"}
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
            output_names=outputs,
            dynamic_axes=dynamic,
            opset_version=OPSET,
        )
    _add_metadata(path, estimator, kind)


def _add_metadata(path, estimator, kind):
    """What a server needs beside the graph: the labels, the horizon, the window length."""
    import json

    import onnx

    from ._version import __version__

    model = onnx.load(str(path))
    info = {"sklstm_version": __version__, "estimator": type(estimator).__name__,
            "n_timesteps": int(estimator.n_timesteps_in_),
            "n_features": int(estimator._n_step_features)}
    if kind == "classifier":
        info["classes"] = estimator.classes_.tolist()
    else:
        info["horizon"] = int(estimator.horizon_)
        if getattr(estimator, "head_", None) is not None:
            # The graph's "quantiles" are the head's own: a conformal correction
            # (interval_method "cqr") is not in the graph.
            info["head"] = estimator.head_
            info["quantile_levels"] = list(estimator.quantile_levels_)
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
