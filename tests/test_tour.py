"""`python -m sklstm`: the tour runs on the embedded data, its network beats the baselines it
prints, and every printed number is one the run computed."""

import io
import re
from contextlib import redirect_stdout

import numpy as np

from sklstm import __main__ as tour


def test_tour_prints_what_it_computed_and_beats_its_baselines(tmp_path, monkeypatch):
    computed = {}

    def recording(function, key):
        def wrapper(*args, **kwargs):
            computed[key] = function(*args, **kwargs)
            return computed[key]
        return wrapper

    monkeypatch.setattr(tour, "weather_tour", recording(tour.weather_tour, "weather"))
    monkeypatch.setattr(tour, "car_tour", recording(tour.car_tour, "car"))
    plot = tmp_path / "forecast.svg"
    out = io.StringIO()
    with redirect_stdout(out):
        tour.main(["--plot", str(plot), "--quiet"])
    text = out.getvalue()

    mae = computed["weather"]["mae"]
    ours = mae[tour.SKLSTM]
    for name, errors in mae.items():
        row = re.search(rf"\| {re.escape(name)} \| ([0-9.]+) \|", text)
        assert row, name
        assert float(row.group(1)) == round(errors.mean(), 2)  # printed = computed
        if name != tour.SKLSTM:
            assert ours.mean() < errors.mean() - 0.1  # visibly better than each baseline
            assert f"{np.sum(ours < errors)} of 49" in text
    for name, (toy, new) in computed["car"]["rows"].items():
        assert f"| {name} | {toy:.0%} | {new:.0%} |" in text
    ours_toy, ours_new = computed["car"]["rows"]["sklstm SequenceClassifier"]
    assert ours_toy == 1.0 and ours_new > 0.95
    assert str(plot.resolve()) in text
    svg = plot.read_text()
    assert svg.startswith("<svg") and svg.count("<polyline") == 4


def test_tour_numbers_follow_the_run_not_literals(tmp_path, monkeypatch):
    # Fake results: whatever the run returns is what the tables show.
    fake_mae = {name: np.full(49, value) for name, value in [
        ("seasonal naive (same month, latest year before 2016)", 7.25),
        ("climatology (training mean of the month)", 6.5),
        (tour.SKLSTM, 3.75)]}
    index = np.arange(3)
    import pandas as pd

    series = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2016-01-01", periods=3, freq="MS"))
    monkeypatch.setattr(tour, "weather_tour", lambda **kw: {
        "mae": fake_mae, "canberra": 0, "n_locations": 49, "n_windows": 1234, "seconds": 42.0,
        "plot": (series, series, index * 1.0, index * 2.0)})
    monkeypatch.setattr(tour, "car_tour", lambda **kw: {
        "seconds": 9.0, "rows": {"majority class of the training cars": (0.125, 0.375),
                                 "sklstm SequenceClassifier": (0.875, 0.625)}})
    out = io.StringIO()
    with redirect_stdout(out):
        tour.main(["--plot", str(tmp_path / "p.svg"), "--quiet"])
    text = out.getvalue()
    assert "| climatology (training mean of the month) | 6.50 | 49 of 49 |" in text
    assert f"| {tour.SKLSTM} | 3.75 |" in text
    assert "1,234 windows" in text and "trained in 42 s" in text
    assert "| sklstm SequenceClassifier | 88% | 62% |" in text
