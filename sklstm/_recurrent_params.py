"""The parameters every recurrent estimator shares, declared once (see ``_params``).

Three groups, in the order the estimators list them: the network (``NETWORK``), training
(``TRAINING``: optimisation and when it ends) and the run (``RUNTIME``: device, seeds,
output). The forecasters and the classifier add their own parameters between them.
"""

from numbers import Real

from sklearn.utils._param_validation import Interval, StrOptions

from ._components import OPTIMIZERS, choices
from ._modules import CELLS
from ._params import IntInterval, Param, ParamSet

# early_stopping="auto" turns early stopping on from this many samples (as in
# HistGradientBoosting): below it a validation split costs too much of the data. An integer
# early_stopping sets another threshold (the sktime forecasters' default is 100 windows).
AUTO_EARLY_STOPPING_MIN_SAMPLES = 10_000
# samples_per_epoch="auto": an epoch draws at most this many training samples. On a few
# thousand windows nothing changes; on hundreds of thousands (M4 hourly: 265,000 training
# windows, four minutes a pass on 2 cores) early stopping and the learning-rate schedule
# look at the validation loss every 16,384 windows instead of once a pass.
AUTO_SAMPLES_PER_EPOCH = 16_384

_positive_int = IntInterval(1, None, closed="left")

NETWORK = ParamSet(
    Param("hidden_size", 64, [_positive_int], "int",
          "Units of each recurrent layer (per direction)."),
    Param("num_layers", 1, [_positive_int], "int", "Stacked recurrent layers."),
    Param("cell", "lstm", [StrOptions(set(CELLS))], choices(CELLS),
          "Recurrent cell; a parameter of every class, so that a grid search can switch it."),
    Param("bidirectional", False, ["boolean"], "bool",
          "Read each sequence (window) in both directions; never the targets."),
    Param("dropout", 0.0, [Interval(Real, 0, 1, closed="left")], "float",
          "Dropout on the encoder output (and between stacked layers)."),
    Param("dense_size", None, [_positive_int, None], "int or None",
          "Units of an extra dense ReLU layer before the output; None: none."),
)

TRAINING = ParamSet(
    Param("max_epochs", 100, [_positive_int], "int",
          "Maximum passes over the training samples."),
    Param("batch_size", 64, [_positive_int], "int", "Samples per gradient step."),
    Param("lr", 1e-3, [Interval(Real, 0, None, closed="neither")], "float", "Learning rate."),
    Param("optimizer", "adam", [StrOptions(set(OPTIMIZERS)), type],
          f"{choices(OPTIMIZERS)} or torch optimizer class",
          "The optimizer (``sklstm._components.OPTIMIZERS`` names the built-in ones)."),
    Param("optimizer_params", None, [dict, None], "dict or None",
          """Further keyword arguments of the optimizer (e.g. ``{"betas": (0.9, 0.99)}``);
          ``lr`` and ``weight_decay`` have their own parameters."""),
    Param("weight_decay", 0.0, [Interval(Real, 0, None, closed="left")], "float",
          "L2 penalty passed to the optimizer."),
    Param("early_stopping", "auto",
          [StrOptions({"auto"}), "boolean", _positive_int], '"auto", bool or int',
          f"""Stop when the loss on the latest ``validation_fraction`` of the samples has not
          improved for ``patience`` epochs, and restore the best weights. "auto": on from
          {AUTO_EARLY_STOPPING_MIN_SAMPLES:,} samples; an integer: on from that many
          samples. Samples must be in time order for "latest" to mean the most recent."""),
    Param("samples_per_epoch", "auto", [StrOptions({"auto"}), _positive_int, None],
          '"auto", int or None',
          f"""Training samples drawn per epoch: the next ones of a shuffled order that carries
          over from epoch to epoch, so every sample is drawn once before any is drawn twice;
          ``max_epochs``, ``patience`` and the schedules count these epochs. "auto":
          {AUTO_SAMPLES_PER_EPOCH:,} (all of them when there are fewer); None: all."""),
    Param("validation_fraction", 0.1, [Interval(Real, 0, 1, closed="neither")], "float",
          "Share of the (latest) samples held out for early stopping."),
    Param("patience", 15, [_positive_int], "int",
          "Epochs without improvement before stopping."),
    Param("clip_grad_norm", 1.0, [Interval(Real, 0, None, closed="neither"), None],
          "float or None",
          """Clip the norm of all gradients to this value at every step (in the scaled
          frame); None: no clipping."""),
    Param("lr_schedule", "plateau", [StrOptions({"plateau", "onecycle"}), None],
          '{"plateau", "onecycle"} or None',
          """"plateau": halve the learning rate when the monitored loss (validation loss with
          early stopping, else the loss on the training set) has not improved for
          ``max(1, patience // 3)`` epochs, down to ``lr / 64``. "onecycle": one cycle over
          the epochs of the call (``max_epochs``, or one for ``partial_fit``), stepped after
          every batch: the rate rises from ``lr / 25`` to ``lr`` over the first 30 percent of
          the batches and anneals to ``lr / 1e4``; ``lr`` is then the peak, and a few epochs
          with a larger ``lr`` (e.g. 1e-2) often train as well as many at a constant rate.
          None: a constant rate."""),
    Param("max_time", None, [Interval(Real, 0, None, closed="neither"), None], "float or None",
          """A budget in seconds for each call to ``fit`` (or ``partial_fit``): training ends
          after the epoch that reaches it, with the best weights so far (as early stopping
          ends it; the history records ``stopped_by="max_time"``). None: no budget, training
          ends at ``max_epochs`` or by early stopping. The budget counts training only, not
          the conformal calibration after it."""),
    Param("restore_best_weights", True, ["boolean"], "bool",
          """Return the weights of the best epoch: by the validation loss with early
          stopping, else by the loss on the training set measured after each epoch
          (``fit_loss`` in ``history_``; on at most 8,192 samples, evenly spread, as the
          validation loss is), so that a last, bad step is never what is kept."""),
)

SCALE_INPUT = Param("scale_input", True, ["boolean"], "bool",
                    "Standardise each input feature with its training mean and deviation.")

RUNTIME = ParamSet(
    Param("device", "cpu", [str], "str",
          '"cpu", "cuda", "cuda:N", "mps" or "auto" (the best available).'),
    Param("random_state", None, ["random_state"], "int, RandomState instance or None",
          """Seeds weight initialisation, shuffling and dropout: the same seed, data and
          device give identical predictions."""),
    Param("verbose", 0, ["verbose"], "int",
          """0: quiet. 1: one progress line on stderr, rewritten after every epoch (epoch,
          losses, elapsed time, time left at most). 2 or more: skorch's table of every
          epoch."""),
    Param("callbacks", None, [list, None],
          "list of skorch callbacks or (name, callback) tuples, or None",
          "Passed through to the skorch net."),
    Param("warm_start", False, ["boolean"], "bool",
          """Continue from the fitted weights on the next call to ``fit``, with the current
          training parameters (lr, max_epochs, batch_size, early stopping, optimizer); a
          change of the network's structure (sizes, cell, architecture, scaling) is
          refused."""),
    Param("precision", "float32", [StrOptions({"float32", "bfloat16"})],
          '{"float32", "bfloat16"}',
          """"bfloat16": mixed precision, the forward passes of training, validation and
          prediction run under ``torch.autocast`` in bfloat16 (weights, gradients, the loss
          and the optimizer stay float32); for CUDA devices with bfloat16 support (Ampere
          and later), where large networks gain from it (docs/benchmarks.md, section 7). On
          the CPU it runs but is slower than float32; on a CPU without AVX-512 (no oneDNN
          bfloat16 LSTM) the recurrent layers stay float32. "float32": no autocast."""),
    Param("compile", False, ["boolean"], "bool",
          "Run the module through ``torch.compile`` (pays off for large models on GPU)."),
    Param("torch_threads", "auto", [_positive_int, StrOptions({"auto"}), None],
          '"auto", int or None',
          """Torch threads while fitting and predicting; the caller's setting is restored
          afterwards. "auto": one thread on the CPU (these small networks gain little from
          more, and threads spin when other processes use the cores; results then do not
          depend on the number of parallel jobs); the caller's setting on a GPU. None: leave
          torch's setting as it is."""),
)
