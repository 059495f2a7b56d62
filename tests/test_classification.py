import numpy as np
import pytest

from sklstm import SequenceClassifier, pad_sequences
from sklstm._padding import align_padding
from sklstm.datasets import load_car_colors, make_car_sequences

CAR = dict(hidden_size=32, lr=0.01, max_epochs=60, random_state=0)


def test_car_toy_set_and_generated_cars_at_other_positions_and_lengths():
    X_toy, y_toy = load_car_colors()
    X_train, y_train = make_car_sequences(n_samples=600, seq_len=6, random_state=0)
    X_test, y_test = make_car_sequences(n_samples=300, seq_len=6, random_state=1)
    clf = SequenceClassifier(**CAR).fit(X_train, y_train)
    assert clf.score(X_toy, y_toy) == 1.0
    assert clf.score(X_test, y_test) == 1.0
    np.testing.assert_array_equal(clf.classes_, [1, 2, 3])


def test_string_labels_probabilities_and_unseen_labels():
    X, y = make_car_sequences(n_samples=300, seq_len=6, random_state=0)
    names = np.array(["red", "green", "blue"])[y - 1]
    clf = SequenceClassifier(**CAR).fit(X, names)
    np.testing.assert_array_equal(clf.classes_, ["blue", "green", "red"])
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    assert clf.score(X, names) == 1.0
    with pytest.raises(ValueError, match="labels not among the classes: \\['purple'\\]"):
        clf.score(X[:2], ["red", "purple"])


def test_padding_at_the_end_or_start_changes_nothing():
    rng = np.random.RandomState(0)
    sequences = [rng.randn(rng.randint(3, 9), 2) for _ in range(200)]
    y = np.array([int(s[:, 0].sum() > 0) for s in sequences])
    X = pad_sequences(sequences)
    clf = SequenceClassifier(hidden_size=16, lr=0.01, max_epochs=20, bidirectional=True,
                             random_state=0).fit(X, y)
    expected = clf.predict_proba(X)
    longer = pad_sequences(sequences, length=15)
    np.testing.assert_allclose(clf.predict_proba(longer), expected, atol=1e-6)
    front = pad_sequences(sequences, length=12, padding="pre")
    np.testing.assert_allclose(clf.predict_proba(front), expected, atol=1e-6)
    # Each sequence alone, without any padding, gets the same probabilities.
    alone = np.vstack([clf.predict_proba(s[np.newaxis]) for s in sequences[:20]])
    np.testing.assert_allclose(alone, expected[:20], atol=1e-6)
    assert clf.score(X, y) > 0.9


@pytest.mark.parametrize("crop_fraction", [1.0, 0.7])
def test_training_does_not_depend_on_how_much_padding_the_data_carries(crop_fraction):
    # Masked batch normalisation: the statistics of a training batch are those of its real
    # steps, so padding sequences to a greater width trains the very same model (before, the
    # padding's positions dominated the statistics of sets like PLAID). The training crops
    # are drawn from the real steps alone.
    rng = np.random.RandomState(1)
    sequences = [rng.randn(rng.randint(4, 30), 1) + (i % 2) for i in range(120)]
    y = np.arange(120) % 2
    params = dict(hidden_size=8, conv_filters=(8, 8), max_epochs=4, early_stopping=False,
                  crop_fraction=crop_fraction, random_state=0)
    tight = SequenceClassifier(**params).fit(pad_sequences(sequences), y)
    wide = SequenceClassifier(**params).fit(pad_sequences(sequences, length=90), y)
    np.testing.assert_allclose(tight.history_["train_loss"], wide.history_["train_loss"],
                               rtol=1e-5)
    np.testing.assert_allclose(wide.predict_proba(pad_sequences(sequences)),
                               tight.predict_proba(pad_sequences(sequences)), atol=1e-5)


def test_masked_batch_norm_matches_batch_norm_on_equal_lengths_and_ignores_padding():
    import torch

    from sklstm._modules import _BatchNorm

    torch.manual_seed(0)
    x = torch.randn(3, 4, 6)
    masked, plain = _BatchNorm(4), torch.nn.BatchNorm1d(4)
    full = torch.ones(3, 1, 6, dtype=torch.bool)
    torch.testing.assert_close(masked(x, full), plain(x))
    torch.testing.assert_close(masked.running_var, plain.running_var)
    # Padding with any values beyond the mask: the real steps' outputs and the running
    # statistics are those of the real steps alone.
    lengths = torch.tensor([6, 2, 4])
    mask = (torch.arange(6)[None, :] < lengths[:, None]).unsqueeze(1)
    garbage = torch.where(mask, x, torch.full_like(x, 1e3))
    a, b = _BatchNorm(4), _BatchNorm(4)
    out_a, out_b = a(x, mask), b(garbage, mask)
    torch.testing.assert_close(out_a * mask, out_b * mask)
    real = torch.cat([x[i, :, :n] for i, n in enumerate(lengths.tolist())], dim=1)
    torch.testing.assert_close(a.running_mean, 0.1 * real.mean(dim=1))
    torch.testing.assert_close(b.running_var, 0.9 + 0.1 * real.var(dim=1))


def test_align_padding_and_inner_gaps():
    X = np.array([[[1.0], [2.0], [np.nan]], [[np.nan], [3.0], [4.0]], [[5.0], [np.nan], [6.0]]])
    aligned, lengths = align_padding(X)
    np.testing.assert_array_equal(lengths, [2, 2, 3])
    np.testing.assert_array_equal(aligned[:, :, 0], [[1, 2, np.nan], [3, 4, np.nan], [5, 5, 6]])
    with pytest.raises(ValueError, match="all NaN"):
        align_padding(np.array([[[np.nan], [np.nan]], [[1.0], [2.0]]]))


def test_class_weight_reaches_the_loss():
    X, y = make_car_sequences(n_samples=100, seq_len=6, random_state=0)
    clf = SequenceClassifier(hidden_size=8, max_epochs=1, class_weight={1: 5.0, 2: 1.0, 3: 1.0},
                             random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.net_.criterion_.weight.cpu(), [5.0, 1.0, 1.0])
    balanced = SequenceClassifier(hidden_size=8, max_epochs=1, class_weight="balanced",
                                  random_state=0).fit(X, y)
    counts = np.bincount(y)[1:]
    np.testing.assert_allclose(balanced.net_.criterion_.weight.cpu(),
                               len(y) / (3 * counts), rtol=1e-6)


def test_one_class_and_regression_targets_are_refused():
    X, _ = make_car_sequences(n_samples=20, random_state=0)
    with pytest.raises(ValueError, match="at least 2 classes"):
        SequenceClassifier().fit(X, np.ones(20))
    with pytest.raises(ValueError, match="Unknown label type"):
        SequenceClassifier().fit(X, np.linspace(0, 1, 20))


def test_japanese_vowels_variable_length_12_channels():
    sktime_datasets = pytest.importorskip("sktime.datasets")
    X_train_df, y_train = sktime_datasets.load_japanese_vowels(
        split="train", return_type="pd-multiindex")
    X_test_df, y_test = sktime_datasets.load_japanese_vowels(
        split="test", return_type="pd-multiindex")

    def to_padded(frame):
        return pad_sequences([g.to_numpy() for _, g in frame.groupby(level=0)], length=30)

    X_train, X_test = to_padded(X_train_df), to_padded(X_test_df)
    assert X_train.shape == (270, 30, 12) and X_test.shape == (370, 30, 12)
    clf = SequenceClassifier(hidden_size=64, lr=0.005, max_epochs=60, batch_size=32,
                             random_state=0).fit(X_train, y_train)
    accuracy = clf.score(X_test, y_test)
    assert accuracy >= 0.95, accuracy


def _cars(rows):
    return np.array(rows, dtype=np.float32)[:, :, np.newaxis]


@pytest.mark.parametrize("seed", [0, 1])
def test_defaults_trained_on_the_six_course_cars_read_cars_at_other_positions_and_lengths(seed):
    # The course's live demo: a car at the edge of the window, a longer (or slower) car of
    # one colour; then every car of 1-5 steps at every position of a 6-step window.
    X, y = load_car_colors()
    clf = SequenceClassifier(random_state=seed).fit(X, y)
    demo = _cars([[2, 2, 0, 0, 0, 0], [0, 0, 0, 0, 2, 2], [0, 1, 1, 1, 1, 0],
                  [1, 1, 1, 1, 1, 0], [0, 0, 0, 3, 3, 3], [3, 0, 0, 0, 0, 0]])
    np.testing.assert_array_equal(clf.predict(demo), [2, 2, 1, 1, 3, 3])
    X_all, y_all = make_car_sequences(n_samples=500, seq_len=6, random_state=3)
    assert clf.score(X_all, y_all) == 1.0


def test_auto_kernels_grow_with_the_longest_training_sequence_up_to_a_quarter_of_it():
    rng = np.random.default_rng(0)
    widths = {}
    for n_steps in (6, 26, 95, 96, 160, 224):
        X = rng.normal(size=(8, n_steps, 1))
        clf = SequenceClassifier(hidden_size=2, conv_filters=(2, 2, 2), max_epochs=1,
                                 n_networks=1, random_state=0).fit(X, np.arange(8) % 2)
        widths[n_steps] = tuple(block[1].kernel_size[0]
                                for block in clf.net_.module_.conv.blocks)
    assert widths == {6: (1, 1, 1), 26: (6, 5, 3), 95: (8, 5, 3), 96: (16, 10, 6),
                      160: (24, 15, 9), 224: (32, 20, 12)}
    # The real steps count, not the padding: sequences of 80 steps padded to 500.
    padded = np.full((8, 500, 1), np.nan)
    padded[:, :80] = rng.normal(size=(8, 80, 1))
    clf = SequenceClassifier(hidden_size=2, conv_filters=(2, 2, 2), max_epochs=1,
                             n_networks=1, random_state=0).fit(padded, np.arange(8) % 2)
    assert [b[1].kernel_size[0] for b in clf.net_.module_.conv.blocks] == [8, 5, 3]
    assert clf.conv_kernels_ == (8, 5, 3)
    # From 100 training sequences the widths stay LSTM-FCN's, however long the sequences;
    # 99 get the longer ones.
    many = rng.normal(size=(100, 300, 1))
    clf = SequenceClassifier(hidden_size=2, conv_filters=(2, 2, 2), max_epochs=1,
                             n_networks=1, random_state=0).fit(many, np.arange(100) % 2)
    assert clf.conv_kernels_ == (8, 5, 3)
    clf.fit(many[:99], np.arange(99) % 2)
    assert clf.conv_kernels_ == (32, 20, 12)
    clf.fit(many, np.arange(100) % 2)
    assert [b[1].kernel_size[0] for b in clf.net_.module_.conv.blocks] == [8, 5, 3]
    clf = SequenceClassifier(hidden_size=2, conv_filters=(2, 3), conv_kernels=(4, 2),
                             n_networks=1, max_epochs=1).fit(X, np.arange(8) % 2)
    assert [b[1].kernel_size[0] for b in clf.net_.module_.conv.blocks] == [4, 2]
    assert clf.conv_kernels_ == (4, 2)
    assert [b[1].out_channels for b in clf.net_.module_.conv.blocks] == [2, 3]


def test_auto_filters_widen_from_500_training_sequences():
    from sklstm.classification import (AUTO_NARROW_FILTERS, AUTO_WIDE_FILTERS,
                                       AUTO_WIDE_MIN_SEQUENCES)

    assert AUTO_WIDE_MIN_SEQUENCES == 500
    X, y = make_car_sequences(n_samples=500, seq_len=4, random_state=0)
    params = dict(hidden_size=2, max_epochs=1, random_state=0)
    for n, expected in ((499, AUTO_NARROW_FILTERS), (500, AUTO_WIDE_FILTERS)):
        clf = SequenceClassifier(**params).fit(X[:n], y[:n])
        assert clf.conv_filters_ == expected
        assert [b[1].out_channels for b in clf.net_.module_.conv.blocks] == list(expected)
    # A stated width is kept whatever the size, and changing it on a fitted model is refused
    # by a continued fit rather than silently ignored.
    stated = SequenceClassifier(conv_filters=(3, 5), warm_start=True, **params).fit(X, y)
    assert stated.conv_filters_ == (3, 5)
    with pytest.raises(ValueError, match="conv_filters"):
        stated.set_params(conv_filters=(3, 6)).fit(X, y)


def test_an_ensemble_predicts_the_mean_of_its_networks_probabilities():
    import torch

    from sklstm._heads import MembersLoss
    from sklstm.classification import AUTO_ENSEMBLE_MAX_SEQUENCES, AUTO_NETWORKS

    X, y = make_car_sequences(n_samples=60, seq_len=6, random_state=0)
    clf = SequenceClassifier(n_networks=3, hidden_size=4, conv_filters=(4, 4), max_epochs=3,
                             random_state=0).fit(X, y)
    members = clf.net_.module_.members
    assert clf.n_networks_ == 3 and len(members) == 3
    # Each network starts from its own initialisation and ends elsewhere.
    weights = [m.head[-1].weight.detach() if isinstance(m.head, torch.nn.Sequential)
               else m.head.weight.detach() for m in members]
    assert not torch.allclose(weights[0], weights[1])
    scaled = torch.as_tensor(clf.scaling_.transform(X), dtype=torch.float32)
    with torch.no_grad():
        alone = [torch.softmax(m.eval()(scaled), dim=1).numpy() for m in members]
    np.testing.assert_allclose(clf.predict_proba(X), np.mean(alone, axis=0), rtol=1e-4,
                               atol=1e-6)
    # Training scores each network on its own loss: the mean of their losses.
    logits, target = torch.randn(5, 3, 4), torch.tensor([0, 1, 2, 3, 0])
    ce = torch.nn.functional.cross_entropy
    assert torch.isclose(MembersLoss()(logits, target),
                         torch.stack([ce(logits[:, j], target) for j in range(3)]).mean())
    assert torch.isclose(MembersLoss()(logits[:, 0], target), ce(logits[:, 0], target))
    # "auto": three networks below 100 training sequences, one from 100.
    assert (AUTO_NETWORKS, AUTO_ENSEMBLE_MAX_SEQUENCES) == (3, 100)
    X, y = make_car_sequences(n_samples=100, seq_len=4, random_state=0)
    params = dict(hidden_size=2, conv_filters=(2,), max_epochs=1, random_state=0)
    assert SequenceClassifier(**params).fit(X[:99], y[:99]).n_networks_ == 3
    single = SequenceClassifier(**params).fit(X, y)
    assert single.n_networks_ == 1 and not hasattr(single.net_.module_, "members")


@pytest.mark.parametrize("params, message", [
    (dict(conv_kernels=(3, 3)), "conv_kernels needs one width per convolutional block: "
                                "conv_filters has 3, conv_kernels=\\(3, 3\\) has 2"),
    (dict(conv_kernels=(3, 0, 3)), "conv_kernels must be a sequence of positive integers"),
    (dict(conv_filters=(8, 2.5, 4)), "conv_filters must be a sequence of positive integers"),
    (dict(conv_filters=()), "conv_filters must hold at least one"),
])
def test_bad_convolution_parameters_are_refused_by_name(params, message):
    X, y = make_car_sequences(n_samples=20, random_state=0)
    with pytest.raises(ValueError, match=message):
        SequenceClassifier(max_epochs=1, **params).fit(X, y)


def _shapes_at_many_amplitudes(n, seed):
    """Rising vs falling ramps with noise, each at an amplitude from 0.01 to 1,000."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    ramp = np.linspace(-1, 1, 24)
    amplitude = 10 ** rng.uniform(-2, 3, n)
    X = (np.where(y[:, None] == 1, ramp, -ramp) + rng.normal(0, 0.3, (n, 24))) * amplitude[:, None]
    return X[:, :, None] + 5 * amplitude[:, None, None], y


def test_sequence_scaling_reads_shapes_whatever_their_amplitude():
    X, y = _shapes_at_many_amplitudes(300, 0)
    X_test, y_test = _shapes_at_many_amplitudes(300, 1)
    params = dict(architecture="recurrent", hidden_size=16, max_epochs=30, lr=1e-2,
                  random_state=0)
    scores = {s: SequenceClassifier(scaling=s, **params).fit(X, y).score(X_test, y_test)
              for s in ("global", "sequence", "both")}
    # One global standardisation flattens the small amplitudes to nothing.
    assert scores["sequence"] > 0.95 and scores["both"] > 0.95
    assert scores["global"] < scores["sequence"] - 0.1


def test_both_scaling_reads_amplitudes_that_differ_by_orders_of_magnitude():
    # The class is the amplitude alone (0.01, 0.1, 1 or 1000 times the same noisy wave): the
    # z-normalised shapes look alike, one global standardisation flattens the three small
    # ones to about zero, and the log-scale channel tells them apart.
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 320)
    lengths = rng.integers(20, 41, 320)
    amplitude = np.array([0.01, 0.1, 1.0, 1000.0])
    X = pad_sequences([amplitude[c] * (np.sin(np.arange(k) / 3 + rng.uniform(0, 6))
                                       + rng.normal(0, 0.3, k)) for c, k in zip(y, lengths)])
    X_test, y_test = X[240:], y[240:]
    params = dict(architecture="recurrent", hidden_size=16, max_epochs=30, lr=1e-2,
                  random_state=0)
    both = SequenceClassifier(scaling="both", **params).fit(X[:240], y[:240])
    assert both.score(X_test, y_test) > 0.95
    log_scale = both.scaling_.transform(X_test)[:, 0, 2]
    # One value per sequence, in the order of the amplitudes, about a unit apart per decade.
    assert np.all(np.diff([log_scale[y_test == c].mean() for c in range(4)]) > 0)
    for scaling in ("sequence", "global"):
        alone = SequenceClassifier(scaling=scaling, **params).fit(X[:240], y[:240])
        assert alone.score(X_test, y_test) < 0.8


def test_both_scaling_keeps_the_level_readable_and_padding_intact():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 240)
    lengths = rng.integers(5, 13, 240)
    # The class is the level alone: every sequence is its level plus the same noise shape.
    X = pad_sequences([np.full(k, 10.0 * c) + rng.normal(0, 1, k) for c, k in zip(y, lengths)])
    params = dict(architecture="recurrent", hidden_size=16, max_epochs=40, lr=1e-2,
                  random_state=0)
    both = SequenceClassifier(scaling="both", **params).fit(X, y)
    assert both.net_.module_ is not None and both.scaling_.n_channels(1) == 3
    scaled = both.scaling_.transform(X)
    assert scaled.shape == (240, X.shape[1], 3)
    for channel in range(3):  # padding kept in the shape, level and scale channels
        assert np.array_equal(np.isnan(scaled[:, :, channel]), np.isnan(X[:, :, 0]))
    assert both.score(X, y) > 0.95
    # Without the level channels the classes look alike (scored on new sequences: on the
    # training ones the network can memorise the noise).
    shapes = SequenceClassifier(scaling="sequence", **params).fit(X[:160], y[:160])
    assert shapes.score(X[160:], y[160:]) < 0.6


def test_sequence_scaling_saves_and_exports_to_onnx(tmp_path):
    from sklstm import load

    X, y = _shapes_at_many_amplitudes(60, 0)
    clf = SequenceClassifier(scaling="both", architecture="recurrent", hidden_size=8,
                             max_epochs=2, random_state=0).fit(X, y)
    clf.save(tmp_path / "clf.sklstm")
    np.testing.assert_allclose(load(tmp_path / "clf.sklstm").predict_proba(X),
                               clf.predict_proba(X), rtol=1e-6)
    pytest.importorskip("onnx", reason="to_onnx needs onnx (the onnx extra)")
    onnxruntime = pytest.importorskip("onnxruntime", reason="serving needs onnxruntime")
    # The scaling's torch form (z-normalised, global and log-scale channels) is in the graph.
    clf.to_onnx(tmp_path / "clf.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "clf.onnx"))
    served = session.run(None, {"X": X.astype(np.float32)})[0]
    np.testing.assert_allclose(served, clf.predict_proba(X), rtol=1e-4, atol=1e-6)


def test_auto_scaling_z_normalises_only_sequences_of_widely_different_amplitudes():
    from sklstm.classification import amplitude_spread

    X, y = _shapes_at_many_amplitudes(100, 0)  # amplitudes over five orders of magnitude
    assert amplitude_spread(X) > 4
    params = dict(architecture="recurrent", hidden_size=8, max_epochs=1, random_state=0)
    assert SequenceClassifier(**params).fit(X, y).input_scaling_ == "both"
    X_car, y_car = load_car_colors()
    assert amplitude_spread(X_car) < 1
    assert SequenceClassifier(**params).fit(X_car, y_car).input_scaling_ == "global"
    # An explicit choice is kept whatever the data.
    assert SequenceClassifier(scaling="global", **params).fit(X, y).input_scaling_ == "global"
    # Constant and all-NaN features have no spread.
    flat = np.ones((10, 5, 2))
    flat[:, :, 1] = np.nan
    assert amplitude_spread(flat) == 0.0


def test_random_crop_keeps_a_contiguous_span_of_each_sequences_real_steps():
    import torch

    from sklstm._augment import random_crop

    lengths = torch.tensor([10, 4, 1, 7])
    X = torch.full((4, 10, 2), float("nan"))
    for i, n in enumerate(lengths.tolist()):  # step t of sequence i holds 100 i + t
        X[i, :n, 0] = 100 * i + torch.arange(n, dtype=torch.float32)
        X[i, :n, 1] = -X[i, :n, 0]
    y = torch.arange(4)
    generator = torch.Generator().manual_seed(0)
    batch, y_out = random_crop({"X": X, "lengths": lengths}, y, 0.7, generator)
    assert y_out is y
    np.testing.assert_array_equal(batch["lengths"], [7, 3, 1, 5])  # ceil(0.7 * length)
    for i, (n, kept) in enumerate(zip(lengths.tolist(), batch["lengths"].tolist())):
        values = batch["X"][i, :kept, 0].numpy()
        start = values[0] - 100 * i
        # Consecutive steps of the sequence, inside its real steps, then padding only.
        np.testing.assert_array_equal(values, 100 * i + start + np.arange(kept))
        assert 0 <= start and start + kept <= n
        np.testing.assert_array_equal(batch["X"][i, :kept, 1], -batch["X"][i, :kept, 0])
        assert torch.isnan(batch["X"][i, kept:]).all()
    # Equal-length input (no lengths) gets the padded layout; the start varies with the draw.
    starts = set()
    for seed in range(20):
        crop, _ = random_crop(X[:1], y[:1], 0.5, torch.Generator().manual_seed(seed))
        assert crop["lengths"].tolist() == [5]
        starts.add(int(crop["X"][0, 0, 0]))
    assert starts == {0, 1, 2, 3, 4, 5}


def test_spaced_crops_run_evenly_from_the_first_to_the_last_real_step():
    import torch

    from sklstm._augment import spaced_crop

    lengths = torch.tensor([10, 4, 1, 7])
    X = torch.arange(40, dtype=torch.float32).reshape(4, 10, 1) % 10
    X[torch.arange(10)[None, :] >= lengths[:, None]] = float("nan")
    for count in (1, 2, 5):
        starts = []
        for index in range(count):
            crop, kept_steps = spaced_crop(X, lengths, fraction=0.5, index=index, count=count)
            np.testing.assert_array_equal(kept_steps, [5, 2, 1, 4])
            for i, kept in enumerate(kept_steps.tolist()):
                values = crop[i, :kept, 0].numpy()
                np.testing.assert_array_equal(values, values[0] + np.arange(kept))
                assert torch.isnan(crop[i, kept:]).all()
            starts.append(crop[:, 0, 0].tolist())
        if count == 1:  # the middle (rounded half to even)
            assert starts == [[2, 1, 0, 2]]
        else:  # the first at the start, the last ending at the last real step
            assert starts[0] == [0, 0, 0, 0] and starts[-1] == [5, 2, 0, 3]
            assert np.all(np.diff(np.array(starts), axis=0) >= 0)
    # Equal-length input (no lengths): every step is real.
    crop, kept_steps = spaced_crop(X[:1, :4], None, fraction=0.5, index=1, count=2)
    assert kept_steps.tolist() == [2] and crop[0, :2, 0].tolist() == [2.0, 3.0]


def test_training_batches_are_crops_and_prediction_reads_whole_sequences_and_spaced_crops(monkeypatch):
    from sklstm._modules import RecurrentClassifier

    rng = np.random.default_rng(0)
    sequences = [rng.normal(size=(n, 1)) + (i % 2) for i, n in
                 enumerate(rng.integers(70, 101, 60))]
    X, y = pad_sequences(sequences), np.arange(60) % 2
    seen = {True: set(), False: set()}
    forward = RecurrentClassifier.forward

    def recording_forward(module, X, lengths=None):
        seen[module.training].update(lengths.tolist())
        return forward(module, X, lengths)

    monkeypatch.setattr(RecurrentClassifier, "forward", recording_forward)
    clf = SequenceClassifier(hidden_size=4, conv_filters=(4, 4), max_epochs=3,
                             restore_best_weights=False, random_state=0).fit(X, y)
    assert clf.crop_fraction_ == 0.7  # "auto": sequences of 64 steps or more
    real = {len(s) for s in sequences}
    assert seen[True] and seen[True] <= {int(np.ceil(0.7 * n)) for n in real}
    # Prediction reads the whole sequences and (test_crops="auto") 5 crops of 85% of each.
    seen[False].clear()
    clf.predict(X)
    assert seen[False] == real | {int(np.ceil(0.85 * n)) for n in real}
    seen[False].clear()
    whole = clf.set_params(test_crops=0).predict_proba(X)
    assert seen[False] == real
    averaged = clf.set_params(test_crops="auto").predict_proba(X)
    np.testing.assert_allclose(averaged.sum(axis=1), 1.0)
    assert not np.allclose(averaged, whole)
    # Turned off, training sees the whole sequences (warm start: not a change of structure).
    seen[True].clear()
    clf.set_params(crop_fraction=1.0, warm_start=True, max_epochs=1).fit(X, y)
    assert clf.crop_fraction_ == 1.0 and seen[True] and seen[True] <= real


@pytest.mark.parametrize("n_steps, expected", [(6, 1.0), (26, 1.0), (63, 1.0), (64, 0.7),
                                               (300, 0.7)])
def test_auto_crop_fraction_follows_the_longest_real_sequence(n_steps, expected):
    rng = np.random.default_rng(0)
    X = np.full((8, 300, 1), np.nan)
    X[:, :n_steps] = rng.normal(size=(8, n_steps, 1))
    params = dict(hidden_size=2, conv_filters=(2,), max_epochs=1, n_networks=1, random_state=0)
    # Sequences of one length are one aligned span: never cropped by default.
    assert SequenceClassifier(**params).fit(X, np.arange(8) % 2).crop_fraction_ == 1.0
    X[7, n_steps // 2:] = np.nan  # one sequence with a missing tail: still one span
    assert SequenceClassifier(**params).fit(X, np.arange(8) % 2).crop_fraction_ == 1.0
    X[3:, n_steps // 2:] = np.nan  # most shorter than the longest: unequal lengths
    clf = SequenceClassifier(**params).fit(X, np.arange(8) % 2)
    assert clf.crop_fraction_ == expected
    explicit = SequenceClassifier(hidden_size=2, conv_filters=(2,), max_epochs=1,
                                  crop_fraction=0.5).fit(X, np.arange(8) % 2)
    assert explicit.crop_fraction_ == 0.5


@pytest.mark.parametrize("crop_fraction", [0, 1.5, -0.2, "half"])
def test_bad_crop_fraction_is_refused_by_name(crop_fraction):
    X, y = make_car_sequences(n_samples=20, random_state=0)
    with pytest.raises(ValueError, match="crop_fraction"):
        SequenceClassifier(max_epochs=1, crop_fraction=crop_fraction).fit(X, y)


@pytest.mark.parametrize("test_crops", [-1, 2.5, "many", None])
def test_bad_test_crops_are_refused_by_name_in_fit_and_in_predict(test_crops):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 70, 1)), np.arange(8) % 2
    with pytest.raises(ValueError, match="test_crops"):
        SequenceClassifier(max_epochs=1, test_crops=test_crops).fit(X, y)
    # Read at prediction, so a value set after fit is checked there too.
    clf = SequenceClassifier(hidden_size=2, conv_filters=(2,), max_epochs=1).fit(X, y)
    clf.set_params(test_crops=test_crops)
    with pytest.raises(ValueError, match="test_crops"):
        clf.predict_proba(X)


def test_test_crops_survive_save_and_load(tmp_path):
    from sklstm import load

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 70, 1)) + (np.arange(30) % 2)[:, None, None], np.arange(30) % 2
    clf = SequenceClassifier(hidden_size=4, conv_filters=(4, 4), max_epochs=2, test_crops=3,
                             crop_fraction=0.7, random_state=0).fit(X, y)
    clf.save(tmp_path / "clf.sklstm")
    loaded = load(tmp_path / "clf.sklstm")
    assert loaded.test_crops == 3 and loaded.crop_fraction_ == 0.7
    np.testing.assert_allclose(loaded.predict_proba(X), clf.predict_proba(X), rtol=1e-6)
    whole = clf.set_params(test_crops=0).predict_proba(X)
    assert not np.allclose(loaded.predict_proba(X), whole)


def _one_curve(n, seed, n_steps=80):
    """One shared curve; the class is a bump of 0.04 (1% of the curve's range) at step 50."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps)
    y = rng.integers(0, 3, n)
    bump = np.exp(-0.5 * ((t - 50) / 4) ** 2)
    X = 3 * np.sin(t / 6) + t / 20 + 0.04 * (y[:, None] - 1) * bump
    return X + rng.normal(0, 0.01, (n, n_steps)), y


def test_profile_channel_reads_classes_that_differ_by_a_percent_of_a_shared_curve():
    X, y = _one_curve(90, 0)
    X_test, y_test = _one_curve(300, 1)
    params = dict(max_epochs=30, conv_filters=(16, 16), hidden_size=16, batch_size=16,
                  random_state=0)
    with_profile = SequenceClassifier(profile_channel=True, **params).fit(X, y)
    without = SequenceClassifier(profile_channel=False, **params).fit(X, y)
    assert with_profile.score(X_test, y_test) > 0.95
    assert without.score(X_test, y_test) < 0.6  # the bump is buried under the curve
    assert with_profile.scaling_.n_channels(1) == 2 and without.scaling_.n_channels(1) == 1


def test_profile_channel_is_the_departure_from_the_mean_training_sequence():
    X, y = _one_curve(30, 0, n_steps=12)
    X = pad_sequences(list(X[:20]) + [row[:7] for row in X[20:]])  # ten shorter ones
    clf = SequenceClassifier(profile_channel=True, max_epochs=1, random_state=0).fit(X, y)
    profile = np.nanmean(X[:, :, 0], axis=0)
    departure = X[:, :, 0] - profile
    expected = departure / np.nanstd(departure)
    scaled = clf.scaling_.transform(X)
    np.testing.assert_allclose(scaled[:, :, 1], expected, rtol=1e-5, atol=1e-6)
    assert np.array_equal(np.isnan(scaled[:, :, 1]), np.isnan(X[:, :, 0]))  # padding kept
    # A sequence longer than every training one: departure 0 past the profile's end.
    longer = np.concatenate([X[:1], np.full((1, 4, 1), 7.0)], axis=1)
    assert np.all(clf.scaling_.transform(longer)[0, 12:, 1] == 0)
    assert np.isfinite(clf.predict_proba(longer)).all()


def test_auto_profile_channel_only_for_sequences_that_share_a_time_frame():
    from sklstm.classification import profile_share

    X, y = _one_curve(40, 0)
    rng = np.random.default_rng(0)
    shifted = np.array([np.roll(row, k) for row, k in zip(X, rng.integers(0, 80, 40))])
    assert profile_share(X) > 0.99 and profile_share(shifted) < 0.2
    # Recordings of unequal lengths (two in three cut short) with no shared curve: patterns
    # at any position, no shared frame; the same cuts on the shared curve keep it.
    cut = lambda A: pad_sequences([row[: 80 if i % 3 == 0 else 50 + i % 7]  # noqa: E731
                                   for i, row in enumerate(A)])
    params = dict(architecture="recurrent", hidden_size=8, max_epochs=1, random_state=0)
    assert SequenceClassifier(**params).fit(cut(X), y).profile_channel_
    assert not SequenceClassifier(**params).fit(cut(shifted), y).profile_channel_
    # One length: one span each (a day, an outline), whatever the share.
    assert SequenceClassifier(**params).fit(shifted, y).profile_channel_
    assert not SequenceClassifier(profile_channel=False, **params).fit(X, y).profile_channel_
    assert SequenceClassifier(profile_channel=True, **params).fit(cut(shifted), y).profile_channel_
    # A profile of fewer than 30 sequences is about as noisy as the differences.
    assert not SequenceClassifier(**params).fit(X[:29], y[:29]).profile_channel_
    # Constant and never-observed features explain nothing.
    flat = np.ones((10, 5, 2))
    flat[:, :, 1] = np.nan
    assert profile_share(flat) == 0.0


def test_grown_kernels_survive_save_and_load(tmp_path):
    import sklstm

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 300, 1))
    clf = SequenceClassifier(hidden_size=4, conv_filters=(4, 4, 4), max_epochs=1,
                             random_state=0).fit(X, np.arange(20) % 2)
    assert clf.conv_kernels_ == (32, 20, 12)
    clf.save(tmp_path / "model")
    loaded = sklstm.load(tmp_path / "model")
    assert loaded.conv_kernels_ == (32, 20, 12)
    np.testing.assert_allclose(loaded.predict_proba(X), clf.predict_proba(X), rtol=1e-6)
