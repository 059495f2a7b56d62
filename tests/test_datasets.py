import gzip
import shutil

import numpy as np
import pandas as pd
import pytest

from sklstm.datasets import (
    load_car_colors,
    load_monthly_sunspots,
    load_monthly_temperatures,
    load_sunspots,
    load_weather_aus,
    make_car_sequences,
)
from sklstm.datasets._fetch import ENV_DATA, RemoteFile, locate

from .conftest import requires_data


@requires_data
def test_sunspots_every_day_kept_unobserved_as_nan():
    y = load_sunspots()
    assert len(y) == 74_600 and y.notna().sum() == 71_353
    assert y.index[0] == pd.Timestamp("1818-01-01") and y.index.freq == "D"
    assert (y.index[1:] - y.index[:-1] == pd.Timedelta("1D")).all()
    assert y[:"1848-12-22"].isna().iloc[-1] and y["1848-12-23":].notna().all()
    # The course's split.
    assert len(y["1848-12-23":"1999-12-31"]) == 55_160
    assert len(y["2000-01-01":"2017-06-30"]) == 6_391


@requires_data
def test_monthly_sunspots_every_month_from_1749():
    y = load_monthly_sunspots()
    assert len(y) == 3_300 and y.notna().all() and y.index.freq == "MS"
    assert y.index[0] == pd.Timestamp("1749-01-01") and y.index[-1] == pd.Timestamp("2023-12-01")
    assert y.iloc[0] == pytest.approx(96.7) and y.iloc[-1] == pytest.approx(114.2)


def test_monthly_sunspot_loader_refuses_the_daily_file(tmp_path):
    daily = tmp_path / "SN_m_tot_V2.0.csv"
    daily.write_text("1818;01;01;1818.001;  -1; -1.0;   0;1\n")
    with pytest.raises(ValueError, match="8 field\\(s\\) per line, so it is not the SILSO monthly"):
        load_monthly_sunspots(daily)
    truncated = tmp_path / "t.csv"
    truncated.write_text("1749;01;1749.042;  96.7; -1.0;   -1;1\n1749;02;1749.123;\n")
    with pytest.raises(ValueError, match="line 2"):
        load_monthly_sunspots(truncated)


@requires_data
def test_weather_raw_and_monthly():
    raw = load_weather_aus()
    assert raw.shape == (145_460, 23)
    assert pd.api.types.is_datetime64_any_dtype(raw["Date"])
    monthly = load_monthly_temperatures()
    canberra = monthly["Canberra"]
    assert monthly.shape[1] == 49 and monthly.index.freqstr == "MS"
    assert len(canberra) == 116
    assert canberra.index[0] == pd.Timestamp("2007-11-01")
    assert canberra.index[-1] == pd.Timestamp("2017-06-01")
    missing = canberra.index[canberra.isna()].strftime("%Y-%m").tolist()
    assert missing == ["2011-04", "2012-12", "2013-02"]
    np.testing.assert_allclose(canberra.iloc[:6], [18.40, 19.22, 22.24, 18.64, 18.43, 12.34],
                               atol=0.005)


@requires_data
def test_offline_path_file_folder_and_gz(tmp_path, monkeypatch):
    import os

    folder = os.environ[ENV_DATA]
    src = f"{folder}/SN_d_tot_V2.0.csv"
    with open(src, "rb") as f_in, gzip.open(tmp_path / "SN_d_tot_V2.0.csv.gz", "wb") as f_out:
        shutil.copyfileobj(f_in, f_out)
    from_gz_folder = load_sunspots(path=tmp_path)
    from_file = load_sunspots(path=src)
    pd.testing.assert_series_equal(from_gz_folder, from_file)


def test_missing_file_offline_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_DATA, str(tmp_path / "nowhere"))
    remote = RemoteFile("absent.csv", "https://example.org/absent.csv")
    with pytest.raises(FileNotFoundError, match="Looked in") as info:
        locate(remote, data_home=tmp_path / "home", download_if_missing=False)
    assert "nowhere" in str(info.value) and "SKLSTM_DATA" in str(info.value)
    with pytest.raises(FileNotFoundError, match="not found in path"):
        locate(remote, path=tmp_path)


@pytest.fixture
def local_server(tmp_path):
    """An HTTP server on localhost serving tmp_path/www (downloads go through fetch_file)."""
    import functools
    import http.server
    import threading

    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_download_verifies_checksum_and_size(tmp_path, local_server):
    import hashlib
    import io

    from sklstm.datasets._fetch import download

    root, url = local_server
    (root / "remote.csv").write_bytes(b"1;2;3\n")
    digest = hashlib.sha256(b"1;2;3\n").hexdigest()
    good = RemoteFile("remote.csv", f"{url}/remote.csv", sha256=digest, size=6)
    cache = tmp_path / "cache"
    cache.mkdir()
    progress = io.StringIO()
    assert download(good, cache, stream=progress).read_bytes() == b"1;2;3\n"
    assert "Downloading" in progress.getvalue()
    bad = RemoteFile("bad.csv", f"{url}/remote.csv", sha256="0" * 64)
    with pytest.raises(OSError, match="(?i)checksum"):
        download(bad, cache, stream=progress)
    assert not (cache / "bad.csv").exists()
    short = RemoteFile("short.csv", f"{url}/remote.csv", size=600)
    with pytest.raises(OSError, match="incomplete"):
        download(short, cache, stream=progress)
    assert not (cache / "short.csv").exists()


def test_car_colours_and_generator():
    X, y = load_car_colors()
    assert X.shape == (6, 6, 1) and sorted(set(y)) == [1, 2, 3]
    # The label is the colour seen through the pinhole.
    assert all(set(np.unique(X[i])) == {0, y[i]} for i in range(6))
    Xg, yg = make_car_sequences(n_samples=500, seq_len=10, random_state=1)
    assert Xg.shape == (500, 10, 1)
    assert all(set(np.unique(Xg[i])) == {0, yg[i]} for i in range(500))
    lengths = (Xg[:, :, 0] > 0).sum(axis=1)
    starts = (Xg[:, :, 0] > 0).argmax(axis=1)
    assert lengths.min() == 1 and lengths.max() == 9
    assert len(np.unique(starts)) == 10
    X2, y2 = make_car_sequences(n_samples=500, seq_len=10, random_state=1)
    np.testing.assert_array_equal(X2, Xg)


# -- damaged, empty and wrong files: a ValueError naming the file and the format -------------
SUNSPOT_LINES = "".join(
    f"2000;01;{d:02d};2000.{d:03d};{100 + d};5.0;  20;1\n" for d in range(1, 11)
)
WEATHER_LINES = "Date,Location,MinTemp,MaxTemp,Rainfall\n" + "".join(
    f"2010-01-{d:02d},Canberra,{d}.0,{d + 10}.0,0\n" for d in range(1, 11)
)


def _write(path, data, gz=False):
    import gzip

    payload = data.encode() if isinstance(data, str) else data
    if gz:
        payload = gzip.compress(payload)
    path.write_bytes(payload)
    return path


def test_good_small_files_load(tmp_path):
    from sklstm.datasets import load_sunspots, load_weather_aus

    y = load_sunspots(_write(tmp_path / "SN_d_tot_V2.0.csv", SUNSPOT_LINES))
    assert len(y) == 10 and y.iloc[-1] == 110.0
    w = load_weather_aus(_write(tmp_path / "weatherAUS.csv.gz", WEATHER_LINES, gz=True))
    assert w.shape == (10, 5) and w["Date"].dtype.kind == "M"


@pytest.mark.parametrize(
    "content, gz, message",
    [
        ("", False, "it is empty"),
        (SUNSPOT_LINES[:-9], False, "truncated or corrupt|truncated"),
        (SUNSPOT_LINES[:-1] + ";", False, "truncated|field"),
        (WEATHER_LINES, False, "field"),  # the wrong data set
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), False, "cannot be read"),
        (SUNSPOT_LINES, "corrupt", "not a valid gzip"),
        (SUNSPOT_LINES, "truncated", "gzip stream is truncated"),
    ],
    ids=["empty", "cut-line", "cut-field", "wrong-dataset", "binary", "bad-gz", "cut-gz"],
)
def test_sunspot_loader_names_the_file_and_the_format(tmp_path, content, gz, message):
    import gzip

    from sklstm.datasets import load_sunspots

    name = "SN_d_tot_V2.0.csv" + (".gz" if gz else "")
    path = tmp_path / name
    if gz == "corrupt":
        path.write_bytes(b"\x1f\x8b\x08\x00" + b"garbage" * 20)
    elif gz == "truncated":
        path.write_bytes(gzip.compress(content.encode())[:-30])
    else:
        _write(path, content)
    with pytest.raises(ValueError, match=message) as info:
        load_sunspots(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "content, message",
    [
        (WEATHER_LINES[:-12], "truncated"),
        (SUNSPOT_LINES, "lacks the column"),
        (WEATHER_LINES.replace("2010-01-05", "2010-13-45"), "invalid Date"),
    ],
    ids=["cut-line", "wrong-dataset", "bad-date"],
)
def test_weather_loader_names_the_file_and_the_format(tmp_path, content, message):
    from sklstm.datasets import load_weather_aus

    path = _write(tmp_path / "weatherAUS.csv", content)
    with pytest.raises(ValueError, match=message) as info:
        load_weather_aus(path)
    assert str(path) in str(info.value) and "weatherAUS.csv" in str(info.value)


def test_offline_reading_needs_no_writable_home(tmp_path, monkeypatch):
    from sklstm.datasets import load_sunspots

    folder = tmp_path / "data"
    folder.mkdir()
    _write(folder / "SN_d_tot_V2.0.csv", SUNSPOT_LINES)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        monkeypatch.setenv("HOME", str(locked))
        monkeypatch.setenv("SKLSTM_HOME", str(locked / "cache"))
        monkeypatch.setenv("SKLSTM_DATA", str(folder))
        assert len(load_sunspots()) == 10
        assert not (locked / "cache").exists()
        monkeypatch.delenv("SKLSTM_DATA")
        assert len(load_sunspots(folder)) == 10
        with pytest.raises(FileNotFoundError, match="not available offline"):
            load_sunspots(download_if_missing=False)
    finally:
        locked.chmod(0o700)


@requires_data
def test_embedded_temperatures_are_the_loader_output_rounded():
    from sklstm.datasets import load_australian_temperatures

    embedded = load_australian_temperatures()
    full = load_monthly_temperatures()
    assert embedded.index.equals(full.index) and list(embedded.columns) == list(full.columns)
    np.testing.assert_allclose(embedded.to_numpy(), full.to_numpy(), atol=5e-4, equal_nan=True)
    assert embedded.isna().equals(full.isna())


# -- the M3 and M4 competitions ------------------------------------------------------------
def _competition_data_available():
    import os
    from pathlib import Path

    folder = Path(os.environ.get(ENV_DATA, ""))
    return (folder / "m3" / "m3_series.csv.gz").is_file() and (
        folder / "m4" / "Hourly-train.csv.gz").is_file()


requires_competitions = pytest.mark.skipif(
    not _competition_data_available(),
    reason="M3/M4 not found: set SKLSTM_DATA to ../shared/data (with m3/ and m4/)")


@requires_competitions
@pytest.mark.parametrize("frequency, n_series, horizon, season", [
    ("yearly", 645, 6, 1), ("quarterly", 756, 8, 4), ("monthly", 1428, 18, 12),
    ("other", 174, 8, 1),
])
def test_m3_every_series_split_at_the_competition_horizon(frequency, n_series, horizon,
                                                          season):
    from sklstm.datasets import load_m3

    m3 = load_m3(frequency)
    assert (len(m3.series_ids), m3.horizon, m3.season_length) == (n_series, horizon, season)
    test_counts = m3.test.groupby(level="series_id").size()
    assert (test_counts == horizon).all() and len(test_counts) == n_series
    # The test period continues the training periods of the same series, without a gap.
    last_train = m3.train.groupby(level="series_id").apply(lambda s: s.index[-1][1])
    first_test_period = m3.test.groupby(level="series_id").apply(lambda s: s.index[0][1])
    assert (first_test_period == last_train + 1).all()
    n_train = m3.train.groupby(level="series_id").size()
    assert (m3.info["n_train"] == n_train.reindex(m3.info.index)).all()
    assert np.isfinite(m3.train).all() and np.isfinite(m3.test).all()


@requires_competitions
def test_m3_values_are_the_competitions():
    from sklstm.datasets import load_m3

    m3 = load_m3("yearly")
    # N1 (micro, 1975-1994): 14 training years, then 6 test years.
    assert m3.info.loc["N1", "category"] == "MICRO" and m3.info.loc["N1", "start"] == "1975"
    assert m3.info.loc["N1", "n_train"] == 14
    assert m3.train.loc["N1"].index.tolist() == list(range(14))
    assert m3.test.loc["N1"].index.tolist() == list(range(14, 20))


@requires_competitions
@pytest.mark.parametrize("frequency, n_series, horizon, season", [
    ("hourly", 414, 48, 24), ("weekly", 359, 13, 1)])
def test_m4_train_and_test_files_joined_per_series(frequency, n_series, horizon, season):
    from sklstm.datasets import load_m4

    m4 = load_m4(frequency)
    assert (len(m4.series_ids), m4.horizon, m4.season_length) == (n_series, horizon, season)
    assert (m4.test.groupby(level="series_id").size() == horizon).all()
    n_train = m4.train.groupby(level="series_id").size()
    first_test = m4.test.groupby(level="series_id").apply(lambda s: s.index[0][1])
    assert (first_test == n_train.reindex(first_test.index)).all()


def test_m4_loader_downloads_both_files_once_and_reads_them_offline(tmp_path, local_server,
                                                                     monkeypatch):
    from sklstm.datasets import _competitions, load_m4

    root, url = local_server
    (root / "Weekly-train.csv").write_text('"V1","V2","V3","V4"\n"W1",1,2,3\n"W2",5,6,\n')
    (root / "Weekly-test.csv").write_text('"V1",' + ",".join(f'"V{i}"' for i in range(2, 15))
                                          + "\n" + "".join(
        f'"{sid}",' + ",".join(str(v) for v in range(10, 23)) + "\n" for sid in ("W1", "W2")))
    monkeypatch.setattr(_competitions, "_M4_URL", url + "/{name}-{part_lower}.csv")
    monkeypatch.setenv(ENV_DATA, str(tmp_path / "nowhere"))
    home = tmp_path / "home"
    m4 = load_m4("weekly", data_home=home)
    assert m4.train.loc["W1"].tolist() == [1, 2, 3] and m4.train.loc["W2"].tolist() == [5, 6]
    assert m4.test.loc["W2"].index.tolist() == list(range(2, 15))
    assert (home / "Weekly-train.csv").is_file()
    # Offline from the cache, and from a folder given as path.
    assert load_m4("weekly", data_home=home, download_if_missing=False).test.equals(m4.test)
    assert load_m4("weekly", path=home).train.equals(m4.train)


def test_competition_loaders_refuse_bad_frequency_and_damaged_files(tmp_path):
    from sklstm.datasets import load_m3, load_m4

    with pytest.raises(ValueError, match="frequency must be one of"):
        load_m3("daily")
    with pytest.raises(ValueError, match="frequency must be one of"):
        load_m4("monthly")
    (tmp_path / "Hourly-train.csv").write_text('"V1","V2","V3","V4"\n"H1",1,,3\n')
    (tmp_path / "Hourly-test.csv").write_text('"V1","V2"\n"H1",1\n')
    with pytest.raises(ValueError, match="gap before its last value"):
        load_m4("hourly", path=tmp_path)
    table = tmp_path / "m3_series.csv"
    table.write_text("series_id,frequency,period,value,horizon,category,start\n"
                     "N1,yearly,1,1.0,6,MICRO,1975\n")
    with pytest.raises(ValueError, match="no more than the horizon"):
        load_m3("yearly", path=table)
    with pytest.raises(ValueError, match="no monthly series"):
        load_m3("monthly", path=table)


# -- the UCR archive -------------------------------------------------------------------------
def _ucr_available():
    import os
    from pathlib import Path

    return (Path(os.environ.get(ENV_DATA, "")) / "ucr" / "ItalyPowerDemand_TRAIN.tsv.gz").is_file()


@pytest.mark.skipif(not _ucr_available(), reason="UCR sets not found under $SKLSTM_DATA/ucr")
def test_ucr_sets_load_with_their_own_split_and_nan_padding():
    from sklstm.datasets import load_ucr, ucr_sets

    names = ucr_sets()
    assert len(names) == 63 and "ItalyPowerDemand" in names
    X, y = load_ucr("ItalyPowerDemand")
    X_test, y_test = load_ucr("ItalyPowerDemand", "test")
    assert X.shape == (67, 24) and X_test.shape == (1029, 24)
    assert sorted(set(y)) == [1, 2] and y.dtype.kind == "i"
    # A variable-length set: NaN padding at the end, no column that is padding everywhere.
    X, _ = load_ucr("PickupGestureWiimoteZ", length=None)
    lengths = (~np.isnan(X)).sum(axis=1)
    assert lengths.min() < X.shape[1] == lengths.max()
    assert np.isnan(X[lengths.argmin(), lengths.min():]).all()
    # By default both splits share the width of the set's longest sequence.
    X, _ = load_ucr("PickupGestureWiimoteZ")
    X_test, _ = load_ucr("PickupGestureWiimoteZ", "test")
    assert X.shape[1] == X_test.shape[1] >= lengths.max()


def test_ucr_loader_reads_the_archive_layout_and_names_what_is_missing(tmp_path):
    from sklstm.datasets import load_ucr, ucr_sets

    folder = tmp_path / "Toy"
    folder.mkdir()
    (folder / "Toy_TRAIN.tsv").write_text("1\t0.5\t1.5\t2.5\n2\t3.0\t4.0\tNaN\n")
    X, y = load_ucr("Toy", path=tmp_path)
    assert y.tolist() == [1, 2] and np.isnan(X[1, 2]) and X[0].tolist() == [0.5, 1.5, 2.5]
    assert ucr_sets(tmp_path) == ["Toy"]
    with pytest.raises(FileNotFoundError, match="Toy_TEST.tsv"):
        load_ucr("Toy", "test", path=tmp_path)
    with pytest.raises(ValueError, match="split must be"):
        load_ucr("Toy", "validation", path=tmp_path)
    (folder / "Toy_TEST.tsv").write_text("1\tNaN\tNaN\n")
    with pytest.raises(ValueError, match="at least one value"):
        load_ucr("Toy", "test", path=tmp_path)
    assert load_ucr("Toy", path=tmp_path)[0].shape == (2, 3)  # an unreadable test: ignored
    (folder / "Toy_TEST.tsv").write_text("2\t1.0\t2.0\t3.0\t4.0\n")
    assert load_ucr("Toy", path=tmp_path)[0].shape == (2, 4)  # the set's longest
    assert np.isnan(load_ucr("Toy", path=tmp_path)[0][:, 3]).all()
    assert load_ucr("Toy", path=tmp_path, length=None)[0].shape == (2, 3)
    assert load_ucr("Toy", path=tmp_path, length=6)[0].shape == (2, 6)
    with pytest.raises(ValueError, match="length=2 is shorter"):
        load_ucr("Toy", path=tmp_path, length=2)
