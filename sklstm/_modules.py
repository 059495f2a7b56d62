"""PyTorch modules behind the estimators. They know nothing of scikit-learn.

Inputs are ``(batch, n_timesteps, n_features)`` (``batch_first``), already scaled by the
estimator (in float64, before the float32 cast: see ``sklstm/_scaling.py``).
"""

import math

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from ._heads import output_module

# cell="lstm", ...: every recurrent layer of sklstm is one of these (batch_first torch RNNs
# returning (output, h_n) or (output, (h_n, c_n))); adding a cell is one line here.
CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}


def _make_rnn(cell, input_size, hidden_size, num_layers, bidirectional, dropout):
    return CELLS[cell](
        input_size=input_size,
        hidden_size=hidden_size,
        num_layers=num_layers,
        bidirectional=bidirectional,
        # torch applies dropout between stacked layers only; it warns for a single layer.
        dropout=dropout if num_layers > 1 else 0.0,
        batch_first=True,
    )


def _last_hidden(h_n, num_layers, bidirectional):
    """Final hidden state of the top layer, both directions concatenated: (batch, D * hidden)."""
    if isinstance(h_n, tuple):  # LSTM returns (h_n, c_n)
        h_n = h_n[0]
    if bidirectional:
        return torch.cat([h_n[-2], h_n[-1]], dim=1)
    return h_n[-1]


def _dense_head(in_features, dense_size, out_features):
    """Linear output layer, after an optional dense ReLU layer of ``dense_size`` units."""
    layers = []
    if dense_size:
        layers += [nn.Linear(in_features, dense_size), nn.ReLU()]
        in_features = dense_size
    layers.append(nn.Linear(in_features, out_features))
    return nn.Sequential(*layers)


class _RecurrentNet(nn.Module):
    """What both networks share: the recurrent encoder (``encoder``), dropout on its output,
    and the final hidden state as the context. Its parameters are declared here only."""

    def _init_encoder(self, n_features, hidden_size=64, num_layers=1, cell="lstm",
                      bidirectional=False, dropout=0.0):
        """Build the encoder; return the context size and the encoder's settings."""
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.encoder = _make_rnn(cell, n_features, hidden_size, num_layers, bidirectional, dropout)
        # No module call at all without dropout: a small net's step is tens of microseconds.
        self.dropout = nn.Dropout(dropout) if dropout else nn.Identity()
        settings = {"hidden_size": hidden_size, "num_layers": num_layers, "cell": cell,
                    "bidirectional": bidirectional, "dropout": dropout}
        return hidden_size * (2 if bidirectional else 1), settings

    def _context(self, h_n):
        return self.dropout(_last_hidden(h_n, self.num_layers, self.bidirectional))


class RecurrentRegressor(_RecurrentNet):
    """Recurrent encoder with a direct dense head or a recurrent decoder (seq2seq).

    ``direct``: encoder -> final hidden state -> [dense + ReLU] -> linear -> ``horizon`` values.
    ``seq2seq``: encoder -> final hidden state repeated ``horizon`` times -> recurrent decoder ->
    per-step linear (the weather tutorial's RepeatVector/TimeDistributed model). The decoder is
    fed the context only, never targets, so training and prediction see the same inputs.
    """

    def __init__(self, n_features=1, horizon=1, *, architecture="direct", dense_size=None,
                 n_timesteps=None, autoregressive=False, head=None, quantiles=(), **encoder):
        super().__init__()
        self.horizon = horizon
        self.architecture = architecture
        # A probabilistic head (``_heads``): n_params outputs per step instead of one.
        self.output = None if head is None else output_module(head, tuple(quantiles))
        n_params = 1 if self.output is None else self.output.n_params
        self.n_params = n_params
        context_size, settings = self._init_encoder(n_features, **encoder)
        if architecture == "seq2seq":
            self.decoder = _make_rnn(
                settings["cell"], context_size, settings["hidden_size"],
                settings["num_layers"], settings["bidirectional"], settings["dropout"]
            )
            head_in, head_out = context_size, n_params
        else:
            self.decoder = None
            head_in, head_out = context_size, horizon * n_params
        self.head = _dense_head(head_in, dense_size, head_out)
        # LSTNet's autoregressive component: a linear map of the whole window added to the
        # network's output, so the forecast follows the input's scale from the first epoch
        # and the recurrent part learns what a linear model cannot.
        self.linear = nn.Linear(n_timesteps * n_features, horizon) if autoregressive else None

    def forward(self, X):
        _, h_n = self.encoder(X)
        context = self._context(h_n)
        if self.decoder is None:
            out = self.head(context)
        else:
            repeated = context.unsqueeze(1).expand(-1, self.horizon, -1)
            decoded, _ = self.decoder(repeated)
            out = self.head(self.dropout(decoded))
        if self.output is None:
            out = out.reshape(-1, self.horizon)
            if self.linear is not None:
                out = out + self.linear(X.flatten(1))
            return out
        # (batch, horizon, n_params): the linear map shifts the location (channel 0) only.
        out = out.reshape(-1, self.horizon, self.n_params)
        if self.linear is not None:
            shift = self.linear(X.flatten(1)).unsqueeze(-1)
            out = torch.cat([out[..., :1] + shift, out[..., 1:]], dim=-1)
        return self.output(out)


class _BatchNorm(nn.BatchNorm1d):
    """BatchNorm1d whose training statistics count the real steps of each sequence only.

    Plain batch normalisation averages over every position of the batch, padding included:
    on sequences of unequal length (PLAID: a median of 300 steps padded to 1,344) the
    statistics are mostly those of the padding, and they change with the longest sequence
    that happens to share the batch. With ``mask`` (batch, 1, time) the mean and variance
    (and the running statistics kept for prediction) are those of the real steps, so a
    sequence is normalised the same however much padding surrounds it. Prediction uses the
    running statistics, as plain BatchNorm1d does. A batch with fewer than two real values
    per channel has no variance to normalise by: it is normalised like a prediction.
    """

    def forward(self, x, mask=None):
        if not self.training:
            return super().forward(x)
        count = x.shape[0] * x.shape[-1] if mask is None else mask.sum()
        if count < 2:
            return nn.functional.batch_norm(
                x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0,
                self.eps)
        if mask is None:
            return super().forward(x)
        weights = mask.to(x.dtype)
        mean = (x * weights).sum(dim=(0, 2)) / count
        centred = x - mean[None, :, None]
        var = (centred.square() * weights).sum(dim=(0, 2)) / count
        if self.track_running_stats:
            self.num_batches_tracked += 1
            momentum = (1.0 / float(self.num_batches_tracked) if self.momentum is None
                        else self.momentum)
            with torch.no_grad():
                self.running_mean.lerp_(mean.detach(), momentum)
                self.running_var.lerp_(var.detach() * count / (count - 1), momentum)
        scale = torch.rsqrt(var + self.eps)
        if self.affine:
            return centred * (scale * self.weight)[None, :, None] + self.bias[None, :, None]
        return centred * scale[None, :, None]


class ConvBranch(nn.Module):
    """The fully convolutional network of LSTM-FCN (Wang et al. 2017; Karim et al. 2017).

    Three blocks of Conv1d ("same" padding) + BatchNorm + ReLU, then global average *and*
    max pooling over the real steps only (``mask``): the average of LSTM-FCN, and the maximum,
    which says whether a pattern occurs anywhere whatever the length of the sequence (a
    short pattern in a long sequence is diluted in an average, never in a maximum).
    """

    def __init__(self, n_features, filters=(128, 256, 128), kernels=(8, 5, 3)):
        super().__init__()
        blocks, channels = [], n_features
        for n_filters, kernel in zip(filters, kernels):
            # "Same" padding written out (torch warns and copies for even kernels).
            blocks.append(nn.Sequential(
                nn.ConstantPad1d(((kernel - 1) // 2, kernel // 2), 0.0),
                nn.Conv1d(channels, n_filters, kernel),
                _BatchNorm(n_filters),
                nn.ReLU(),
            ))
            channels = n_filters
        self.blocks = nn.ModuleList(blocks)
        self.out_features = 2 * channels

    def forward(self, X, mask=None):
        h = X.transpose(1, 2)  # (batch, channels, time)
        mask = None if mask is None else mask.unsqueeze(1)
        for pad, conv, norm, activation in self.blocks:
            h = activation(norm(conv(pad(h)), mask))
            if mask is not None:
                # Zero beyond the end of each sequence, as the convolution's own padding is:
                # the amount of padding then changes nothing in the next block.
                h = h * mask
        if mask is None:
            return torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1)
        average = h.sum(dim=2) / mask.sum(dim=2).clamp(min=1)
        # ReLU outputs are >= 0 and the padding is 0, so it never exceeds a real maximum.
        return torch.cat([average, h.amax(dim=2)], dim=1)


class RecurrentClassifier(_RecurrentNet):
    """Recurrent encoder over variable-length sequences -> logits over the classes.

    ``lengths`` (batch,) gives the number of real steps at the start of each sequence; the rest
    is padding. The sequences are packed so the recurrent encoder never reads the padding.

    ``architecture="recurrent_fcn"`` adds the convolutional branch of LSTM-FCN / GRU-FCN
    (Karim et al. 2017) beside the recurrent encoder; their pooled outputs are concatenated
    before the dense head.
    """

    def __init__(self, n_features=1, n_classes=2, *, dense_size=None, architecture="recurrent",
                 conv_filters=(128, 256, 128), conv_kernels=(8, 5, 3), **encoder):
        super().__init__()
        head_in, _ = self._init_encoder(n_features, **encoder)
        self.conv = None
        if architecture == "recurrent_fcn":
            self.conv = ConvBranch(n_features, filters=tuple(conv_filters),
                                   kernels=tuple(conv_kernels))
            head_in += self.conv.out_features
        self.head = _dense_head(head_in, dense_size, n_classes)

    def forward(self, X, lengths=None):
        # Padding (and any feature never observed in a sequence) is NaN on input: zero, the
        # training mean after scaling, so that no NaN enters even unused arithmetic.
        X = torch.nan_to_num(X, nan=0.0)
        if lengths is not None and self.training:
            # A training batch is cut to its longest sequence: the masked normalisation and
            # pooling make the rest of the padding irrelevant, and it is most of the compute
            # when a few long sequences set the width (PLAID: 1,344 steps, median 300).
            # Prediction keeps the full width, so a sequence's forecast never depends on
            # which others share its block.
            X = X[:, : int(lengths.max())]
        features = []
        if self.conv is not None:
            mask = None
            if lengths is not None:
                steps = torch.arange(X.shape[1], device=X.device)
                mask = steps.unsqueeze(0) < lengths.to(X.device).unsqueeze(1)
            features.append(self.conv(X, mask))
        packed = X
        if lengths is not None:
            packed = pack_padded_sequence(X, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_n = self.encoder(packed)
        features.insert(0, self._context(h_n))
        return self.head(torch.cat(features, dim=1) if len(features) > 1 else features[0])


class MemberEnsemble(nn.Module):
    """``n_members`` :class:`RecurrentClassifier` of one design, trained side by side on the same batches.

    Training returns every member's logits, ``(batch, n_members, n_classes)``, for
    :class:`MembersLoss` to score each member on its own (their gradients do not mix: each
    member learns as if alone, from its own initialisation). Evaluation returns the log of the
    members' mean probabilities, whose softmax is the ensemble's prediction, so everything
    downstream (probabilities, test crops, ONNX) reads it as one classifier's logits.
    """

    def __init__(self, n_members=2, **params):
        super().__init__()
        self.members = nn.ModuleList(RecurrentClassifier(**params) for _ in range(int(n_members)))

    def forward(self, X, lengths=None):
        logits = torch.stack([member(X, lengths) for member in self.members], dim=1)
        if self.training:
            return logits
        log_mean = torch.logsumexp(torch.log_softmax(logits, dim=2), dim=1)
        return log_mean - math.log(len(self.members))  # the log of the mean, not of the sum

