import numpy as np
import pytest

from sklstm import SequenceClassifier, pad_sequences
from sklstm.classification import align_padding
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
