"""skorch callbacks that make training end well: early stopping that Ctrl-C can be told from,
a guard against a diverging loss, restoring the best weights of the run, and a progress line.
"""

import copy
import math
import sys
import time

import torch
from skorch.callbacks import Callback, EarlyStopping

from .exceptions import NonFiniteLossError


class StopTraining(Exception):
    """Raised by our callbacks to end training early (skorch uses KeyboardInterrupt)."""


class LatestEarlyStopping(EarlyStopping):
    """skorch's ``EarlyStopping``, ending training with :class:`StopTraining`.

    skorch's callback stops by raising KeyboardInterrupt, which the net then swallows, and so
    cannot be told from a user's Ctrl-C; ours is a distinct exception.
    """

    def on_epoch_end(self, net, **kwargs):
        try:
            super().on_epoch_end(net, **kwargs)
        except KeyboardInterrupt:
            raise StopTraining from None


class TimeBudget(Callback):
    """End training after the epoch that brings the call past ``seconds`` (``max_time``).

    It acts after every other callback of the epoch (the best-weights keeper and early
    stopping have seen the epoch), so the weights returned are the best of the epochs run,
    as when early stopping ends training. The epoch where it stopped records
    ``stopped_by="max_time"`` in the history.
    """

    def __init__(self, seconds, stop=True):
        self.seconds, self.stop = seconds, stop

    def on_train_begin(self, net, **kwargs):
        self.start_ = time.perf_counter()

    def on_epoch_end(self, net, **kwargs):
        if time.perf_counter() - self.start_ >= self.seconds:
            net.history.record("stopped_by", "max_time")
            if self.stop:  # else a data-parallel worker stops when all agree (SharedStop)
                raise StopTraining


class FiniteLossGuard(Callback):
    """Stop training with a clear error as soon as a batch loss is NaN or infinite."""

    def on_batch_end(self, net, batch=None, training=None, loss=None, **kwargs):
        if loss is None:
            return
        # One float read per batch (skorch reads the same value for its history anyway).
        value = loss.item() if loss.numel() == 1 else float(loss.detach().sum())
        if not math.isfinite(value):
            epoch = len(net.history)
            raise NonFiniteLossError(
                f"the training loss became {value:g} in epoch {epoch}: the fit "
                f"diverged. Lower lr (now {net.lr:g}), set clip_grad_norm (e.g. 1.0), keep "
                "scale_input/scale_target on, and check X and y for extreme values."
            )


class OneCycleSchedule(Callback):
    """One learning-rate cycle per training call (Smith & Topin's "one-cycle" policy).

    The rate climbs from ``max_lr / 25`` to ``max_lr`` over the first 30% of the batches and
    anneals to ``max_lr / 1e4`` by the last one (torch's ``OneCycleLR``, stepped after every
    training batch). ``total_steps`` is the number of training batches the call will run at
    most; early stopping may end the cycle sooner. The scheduler is built when training
    starts, so a continued fit (``warm_start``, ``partial_fit``) runs a new cycle.

    The momentum (Adam's beta1, SGD's momentum) cycles against the rate, from 0.95 to 0.85
    and back, as torch's default does, unless ``cycle_momentum`` is False (the user set it:
    their value is kept) or the optimizer has none to cycle (LBFGS, SGD without momentum,
    which torch would refuse or silently turn into momentum SGD).
    """

    def __init__(self, max_lr, total_steps, cycle_momentum=True):
        self.max_lr, self.total_steps = max_lr, total_steps
        self.cycle_momentum = cycle_momentum

    def on_train_begin(self, net, **kwargs):
        defaults = net.optimizer_.defaults
        has_momentum = "betas" in defaults or defaults.get("momentum", 0) > 0
        self.scheduler_ = torch.optim.lr_scheduler.OneCycleLR(
            net.optimizer_, max_lr=self.max_lr, total_steps=max(2, self.total_steps),
            cycle_momentum=bool(self.cycle_momentum and has_momentum),
        )
        self.steps_ = 0

    def on_batch_end(self, net, training=False, **kwargs):
        # torch refuses a step past total_steps; the last rate is kept if more batches come.
        if training and self.steps_ < self.scheduler_.total_steps - 1:
            self.scheduler_.step()
            self.steps_ += 1


class GradientClipping(Callback):
    """Scale all gradients so that their joint L2 norm is at most ``max_norm``, every step.

    What ``torch.nn.utils.clip_grad_norm_`` does (skorch's ``GradientNormClipping`` calls
    it), in three fused calls over the parameters' gradients: on the CPU torch's version
    loops over the tensors in Python (93 against 32 microseconds a step for the sunspot
    network, a few percent of a step at batch 32).
    """

    def __init__(self, max_norm):
        self.max_norm = max_norm

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad for _, p in named_parameters if p.grad is not None]
        if not grads:
            return
        norms = torch._foreach_norm(grads)
        total = torch.linalg.vector_norm(torch.stack(norms))
        # The same coefficient as torch's (1e-6 keeps a zero gradient finite), applied in
        # place; a coefficient of one (the norm within bounds) changes nothing.
        torch._foreach_mul_(grads, torch.clamp(self.max_norm / (total + 1e-6), max=1.0))


class BestTrainingWeights(Callback):
    """Keep the weights with the lowest loss on the training set; restore them at the end.

    skorch's ``train_loss`` is the mean over the epoch's batches while the weights move; with
    few batches per epoch the last step can undo the epoch (the loss oscillates) and the final
    weights are the worst of the run. Here, after every epoch, the loss of the current weights
    on the training rows is measured (recorded as ``fit_loss``; on at most ``MAX_EVAL_ROWS``
    of them, evenly spread, as the validation loss is) and the best weights come back when
    training ends. Used when there is no validation split (early stopping restores by
    the validation loss instead).
    """

    def initialize(self):
        self.best_loss_ = float("inf")
        self.best_state_ = None
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.dataset_ = X

    def on_epoch_end(self, net, **kwargs):
        loss = self._loss_on(net, self.dataset_)
        net.history.record("fit_loss", loss)
        if loss < self.best_loss_:
            self.best_loss_ = loss
            self.best_state_ = copy.deepcopy(net.module_.state_dict())
            net.history.record("fit_loss_best", True)

    def on_train_end(self, net, **kwargs):
        if self.best_state_ is not None:
            net.module_.load_state_dict(self.best_state_)
        self.dataset_ = None  # do not keep the training data alive in the fitted net

    @staticmethod
    def _loss_on(net, dataset):
        total, count = 0.0, 0
        module = net.module_
        was_training = module.training
        module.eval()
        with torch.inference_mode():
            for Xb, yb in net.get_iterator(dataset, training=False):
                loss = net.criterion_(net.infer(Xb), yb)
                total += float(loss) * len(yb)
                count += len(yb)
        module.train(was_training)
        from .distributed._context import active

        context = active()
        if context is not None:  # a data-parallel worker: the panel's loss
            return context.mean_loss(total / max(count, 1), count)
        return total / max(count, 1)


class EpochProgress(Callback):
    """One line, rewritten after every epoch: epoch, losses, elapsed time and an estimate of
    the time left (``verbose=1``). Written to stderr so that printed results stay clean; where
    stderr is not a terminal (a log file), a line every tenth of the epochs instead."""

    def __init__(self, stream=None):
        self.stream = stream

    def initialize(self):
        self._start = None
        return self

    def on_train_begin(self, net, **kwargs):
        self._start = time.perf_counter()
        self._first_epoch = len(net.history)

    def on_epoch_end(self, net, **kwargs):
        stream = self.stream or sys.stderr
        row = net.history[-1]
        done = len(net.history) - self._first_epoch
        total = net.max_epochs
        elapsed = time.perf_counter() - self._start
        left = elapsed / done * (total - done)
        losses = f"loss {row['train_loss']:.4g}"
        if "valid_loss" in row:
            losses += f"  valid {row['valid_loss']:.4g}"
        width = len(str(total))
        text = (f"  epoch {done:>{width}}/{total}  {losses}  {elapsed:.0f} s, "
                f"at most {left:.0f} s left")
        if getattr(stream, "isatty", lambda: False)():
            stream.write(f"\r{text}   ")
        elif done % max(1, total // 10) == 0 or done == total:
            stream.write(text + "\n")
        else:
            return
        stream.flush()

    def on_train_end(self, net, **kwargs):
        stream = self.stream or sys.stderr
        if getattr(stream, "isatty", lambda: False)():
            stream.write("\n")
            stream.flush()
