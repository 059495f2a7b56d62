"""Average several networks trained with different seeds: robustness to the seed on small data."""

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

__all__ = ["SeedEnsemble"]


def _fit_member(estimator, seed, X, y):
    return clone(estimator).set_params(random_state=int(seed)).fit(X, y)


class SeedEnsemble(MetaEstimatorMixin, BaseEstimator):
    """Members of one sklstm estimator trained with different seeds, averaged.

    With tens of training windows a network's result depends on its seed (initial weights,
    shuffling, dropout): five seeds of the weather example ranged 1.19..1.24 in MAE. Averaging
    the members' forecasts (or class probabilities) removes most of that spread. Members can
    be trained in parallel (``n_jobs``); each uses one torch thread by default.

    Parameters
    ----------
    estimator : LSTMForecaster, GRUForecaster or SequenceClassifier
        The configured, unfitted member; its ``random_state`` is replaced per member.
    n_members : int, default=5
        Number of members.
    random_state : int, RandomState instance or None, default=None
        Draws the members' seeds: the same value gives the same members.
    n_jobs : int or None, default=None
        Members trained in parallel by joblib (None: one at a time).

    Attributes
    ----------
    estimators_ : list of fitted estimators
    seeds_ : ndarray of shape (n_members,)
        The members' ``random_state``.
    classes_ : ndarray
        The classes (classifier members only).

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import LSTMForecaster, make_sequences
    >>> from sklstm.ensemble import SeedEnsemble
    >>> X, y = make_sequences(np.sin(np.arange(200) / 5), window_length=12)
    >>> ensemble = SeedEnsemble(LSTMForecaster(hidden_size=8, max_epochs=5), n_members=3,
    ...                         random_state=0).fit(X, y)
    >>> members = np.mean([m.predict(X[:2]) for m in ensemble.estimators_], axis=0)
    >>> bool(np.allclose(ensemble.predict(X[:2]), members))
    True
    """

    def __init__(self, estimator, n_members=5, random_state=None, n_jobs=None):
        self.estimator = estimator
        self.n_members = n_members
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Train ``n_members`` clones of ``estimator``, each with its own seed.

        Parameters
        ----------
        X : array-like
            As the member takes it.
        y : array-like
            As the member takes it.

        Returns
        -------
        self : object
        """
        if isinstance(self.n_members, bool) or not isinstance(self.n_members, (int, np.integer)) \
                or self.n_members < 1:
            raise ValueError(f"n_members must be a positive integer; got {self.n_members!r}.")
        if "random_state" not in self.estimator.get_params():
            raise TypeError(
                f"estimator must take a random_state parameter; {type(self.estimator).__name__} "
                "does not."
            )
        seeds = check_random_state(self.random_state).randint(
            np.iinfo(np.int32).max, size=self.n_members)
        members = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_member)(self.estimator, seed, X, y) for seed in seeds)
        self.estimators_, self.seeds_ = members, seeds
        if is_classifier(self.estimator):
            self.classes_ = members[0].classes_
        return self

    def predict(self, X):
        """Mean of the members' forecasts, or the class of the mean probabilities."""
        check_is_fitted(self, "estimators_")
        if is_classifier(self.estimator):
            return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        return np.mean([member.predict(X) for member in self.estimators_], axis=0)

    def predict_proba(self, X):
        """Mean of the members' class probabilities (classifier members only)."""
        check_is_fitted(self, "estimators_")
        if not is_classifier(self.estimator):
            raise AttributeError("predict_proba needs classifier members.")
        return np.mean([member.predict_proba(X) for member in self.estimators_], axis=0)

    def forecast(self, series, **kwargs):
        """Mean of the members' :meth:`~sklstm.LSTMForecaster.forecast` (point forecasts)."""
        check_is_fitted(self, "estimators_")
        if kwargs.get("coverage") is not None:
            raise ValueError(
                "SeedEnsemble averages point forecasts; take intervals from a member "
                "(estimators_[i].forecast(series, coverage=...))."
            )
        forecasts = [member.forecast(series, **kwargs) for member in self.estimators_]
        return sum(forecasts[1:], forecasts[0]) / len(forecasts)

    def score(self, X, y):
        """R^2 of the mean forecast, or the accuracy of the ensemble's classes."""
        if is_classifier(self.estimator):
            return accuracy_score(y, self.predict(X))
        return r2_score(y, self.predict(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        member = self.estimator.__sklearn_tags__()
        tags.estimator_type = member.estimator_type
        tags.input_tags = member.input_tags
        tags.target_tags = member.target_tags
        return tags
