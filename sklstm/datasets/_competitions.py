"""The M3 and M4 forecasting competitions: every series with its training and test period.

Each loader returns a :class:`Competition`: the training and the test values as one long
Series each, indexed by (series id, period) — the layout ``make_sequences(..., series_id=...)``
and ``forecast()`` read as a panel — with the competition's horizon and seasonal period.
Periods are positions (0, 1, ...) within each series, as the competitions give no calendar
for many series; the test period of a series continues its training periods.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._fetch import RemoteFile, documented_loader, locate, read_table

__all__ = ["Competition", "load_m3", "load_m4"]

# The competitions' horizons and seasonal periods (M3: Makridakis & Hibon 2000; M4's guide).
M3_FREQUENCIES = {"yearly": (6, 1), "quarterly": (8, 4), "monthly": (18, 12), "other": (8, 1)}
M4_FREQUENCIES = {"hourly": (48, 24), "weekly": (13, 1)}

# The derived long table (one row per observation; ../shared/data/m3/derive.py) and the
# workbook it is derived from, as the International Institute of Forecasters publishes it.
M3_TABLE = "m3_series.csv"
M3_WORKBOOK = RemoteFile("M3C.xls", "https://forecasters.org/data/m3comp/M3C.xls")
_M3_SHEETS = {"M3Year": "yearly", "M3Quart": "quarterly", "M3Month": "monthly",
              "M3Other": "other"}
_M4_URL = ("https://raw.githubusercontent.com/Mcompetitions/M4-methods/master/Dataset/"
           "{part}/{name}-{part_lower}.csv")


@dataclass
class Competition:
    """One frequency of a forecasting competition.

    Attributes
    ----------
    name : str
        E.g. "M3 monthly".
    train, test : pandas.Series
        Values indexed by (``series_id``, ``period``); ``test`` holds the last ``horizon``
        periods of every series, ``train`` the rest.
    horizon : int
        Steps forecast by the competition.
    season_length : int
        The competition's seasonal period (1: none).
    info : pandas.DataFrame
        Per series (index ``series_id``): its number of training values and, where the
        competition gives them, its category and first period.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.datasets import Competition
    >>> train = pd.Series([1.0, 2.0, 3.0], index=pd.MultiIndex.from_tuples(
    ...     [("A", 0), ("A", 1), ("A", 2)], names=["series_id", "period"]))
    >>> test = pd.Series([4.0], index=pd.MultiIndex.from_tuples(
    ...     [("A", 3)], names=["series_id", "period"]))
    >>> toy = Competition("toy", train, test, horizon=1, season_length=1,
    ...                   info=pd.DataFrame({"n_train": [3]}, index=pd.Index(["A"])))
    >>> toy.series_ids.tolist()
    ['A']
    """

    name: str
    train: pd.Series
    test: pd.Series
    horizon: int
    season_length: int
    info: pd.DataFrame = field(repr=False)

    @property
    def series_ids(self):
        return self.info.index


def _check_frequency(frequency, choices, loader):
    if frequency not in choices:
        raise ValueError(f"{loader}: frequency must be one of {sorted(choices)}; got "
                         f"{frequency!r}.")


def _split(long, horizon, name, season_length, info):
    """(series_id, period, value) rows -> the Competition, the last ``horizon`` as test."""
    long = long.sort_values(["series_id", "period"], kind="stable")
    index = pd.MultiIndex.from_arrays([long["series_id"].to_numpy(), long["period"].to_numpy()],
                                      names=["series_id", "period"])
    values = pd.Series(long["value"].to_numpy(dtype=float), index=index, name="value")
    counts = long.groupby("series_id", sort=False).size()
    too_short = counts[counts <= horizon]
    if len(too_short):
        raise ValueError(f"{name}: series {too_short.index[:5].tolist()} hold no more than the "
                         f"horizon of {horizon} values; the file is damaged.")
    position_from_end = long.groupby("series_id", sort=False).cumcount(ascending=False)
    is_test = position_from_end.to_numpy() < horizon
    info = info.assign(n_train=counts.reindex(info.index) - horizon)
    return Competition(name, values[~is_test], values[is_test], horizon, season_length, info)


@documented_loader()
def load_m3(frequency="monthly", path=None, *, data_home=None, download_if_missing=True):
    """Load one frequency of the M3 competition (3,003 series; Makridakis & Hibon, 2000).

    Parameters
    ----------
    frequency : {"yearly", "quarterly", "monthly", "other"}, default="monthly"
        645, 756, 1,428 and 174 series; horizons 6, 8, 18 and 8.
    path : str or Path, default=None
        ``m3_series.csv`` (or .gz: one row per observation, columns ``series_id``,
        ``category``, ``frequency``, ``period``, ``value``, ``horizon``, ``start``), the
        competition's workbook ``M3C.xls`` (reading it needs ``xlrd``), or a folder holding
        either (directly or in ``m3/``). None: look in $SKLSTM_DATA (and its ``m3/``), then
        the cache, then download the workbook from the International Institute of
        Forecasters.
    {cache_params}

    Returns
    -------
    Competition
        ``train`` and ``test`` indexed by (series id "N1".., period 0..), the horizon, the
        seasonal period (12, 4 or 1) and per-series ``info`` (category, start, n_train).

    Examples
    --------
    >>> from sklstm.datasets import load_m3
    >>> m3 = load_m3("monthly")  # doctest: +SKIP
    >>> m3.horizon, m3.season_length, len(m3.series_ids)  # doctest: +SKIP
    (18, 12, 1428)
    """
    _check_frequency(frequency, M3_FREQUENCIES, "load_m3")
    horizon, season_length = M3_FREQUENCIES[frequency]
    table = _find_m3(path, data_home, download_if_missing)
    if table.suffix == ".xls":
        long = _read_m3_workbook(table)
    else:
        long = read_table(table, "M3", "one row per observation with columns series_id, "
                          "category, frequency, period, value, horizon, start.",
                          dtype={"start": str})
    missing = {"series_id", "frequency", "period", "value", "horizon"} - set(long.columns)
    if missing:
        raise ValueError(f"{table} lacks the M3 columns {sorted(missing)}.")
    long = long[long["frequency"] == frequency]
    if long.empty:
        raise ValueError(f"{table} holds no {frequency} series of M3.")
    if (long["horizon"] != horizon).any() or long["value"].isna().any():
        raise ValueError(f"{table}: the {frequency} series must have horizon {horizon} and no "
                         "missing value; the file is damaged.")
    long = long.assign(period=long["period"].astype(int) - 1)  # 1-based in the file
    info = long.groupby("series_id", sort=False)[["category", "start"]].first()
    info = info.loc[sorted(info.index, key=lambda s: int(str(s).lstrip("N")))]
    return _split(long, horizon, f"M3 {frequency}", season_length, info)


def _find_m3(path, data_home, download_if_missing):
    """The derived table if any local copy has it, else the workbook (downloaded if need be)."""
    for table in (M3_TABLE, f"m3/{M3_TABLE}"):
        try:
            return locate(RemoteFile(table, M3_WORKBOOK.url), path, data_home,
                          download_if_missing=False)
        except FileNotFoundError:
            continue
    if path is not None and str(path).endswith(".xls"):
        return locate(M3_WORKBOOK, path)
    return locate(M3_WORKBOOK, path, data_home, download_if_missing)


def _read_m3_workbook(file):
    """The workbook's four sheets as the derived long table (as ../shared/data/m3/derive.py)."""
    try:
        book = pd.read_excel(file, sheet_name=list(_M3_SHEETS))
    except ImportError as error:
        raise ImportError(f"reading {file} (M3's workbook) needs xlrd: pip install xlrd.") \
            from error
    rows = []
    for sheet, frequency in _M3_SHEETS.items():
        frame = book[sheet]
        columns = [c for c in frame.columns if isinstance(c, int)]
        for _, row in frame.iterrows():
            n = int(row["N"])
            values = row[columns].to_numpy(dtype=float)[:n]
            series_id = "".join(str(row["Series"]).split())
            year, sub = row.iloc[4], row.iloc[5]
            start = "" if frequency == "other" or int(year) == 0 else (
                f"{int(year)}" if frequency == "yearly" else
                f"{int(year)}-Q{int(sub)}" if frequency == "quarterly" else
                f"{int(year)}-{int(sub):02d}")
            rows += [(series_id, str(row["Category"]).strip(), frequency, i + 1, v,
                      int(row["NF"]), start) for i, v in enumerate(values)]
    return pd.DataFrame(rows, columns=["series_id", "category", "frequency", "period", "value",
                                       "horizon", "start"])


@documented_loader()
def load_m4(frequency="hourly", path=None, *, data_home=None, download_if_missing=True):
    """Load one frequency of the M4 competition (Makridakis, Spiliotis & Assimakopoulos, 2020).

    Parameters
    ----------
    frequency : {"hourly", "weekly"}, default="hourly"
        414 series (horizon 48, seasonal period 24) or 359 (horizon 13).
    path : str or Path, default=None
        A folder holding the competition's ``{Frequency}-train.csv`` and
        ``{Frequency}-test.csv`` (or .gz; directly or in ``m4/``). None: look in
        $SKLSTM_DATA (and its ``m4/``), then the cache, then download both from the
        competition's repository (Mcompetitions/M4-methods).
    {cache_params}

    Returns
    -------
    Competition
        ``train`` and ``test`` indexed by (series id "H1".., period 0..), the horizon and
        the seasonal period.

    Examples
    --------
    >>> from sklstm.datasets import load_m4
    >>> hourly = load_m4("hourly")  # doctest: +SKIP
    >>> hourly.test.groupby(level="series_id").size().unique()  # doctest: +SKIP
    array([48])
    """
    _check_frequency(frequency, M4_FREQUENCIES, "load_m4")
    horizon, season_length = M4_FREQUENCIES[frequency]
    name = frequency.capitalize()
    parts = {}
    for part in ("Train", "Test"):
        remote = RemoteFile(f"{name}-{part.lower()}.csv", _M4_URL.format(
            part=part, name=name, part_lower=part.lower()))
        try:
            file = locate(RemoteFile(f"m4/{remote.filename}", remote.url), path, data_home,
                          download_if_missing=False)
        except FileNotFoundError:
            file = locate(remote, path, data_home, download_if_missing)
        wide = read_table(file, f"M4 {frequency} {part.lower()}", "the competition's CSV: a "
                          "header, then one row per series (its id, then its values).")
        parts[part] = _m4_long(wide, file)
    train, test = parts["Train"], parts["Test"]
    counts = test.groupby("series_id", sort=False).size()
    if (counts != horizon).any() or set(train["series_id"]) != set(test["series_id"]):
        raise ValueError(f"M4 {frequency}: the test file must hold {horizon} values of every "
                         "series of the training file; the files do not match.")
    n_train = train.groupby("series_id", sort=False).size()
    test = test.assign(period=test["period"] + n_train.reindex(test["series_id"]).to_numpy())
    long = pd.concat([train, test], ignore_index=True)
    info = pd.DataFrame(index=pd.Index(train["series_id"].unique(), name="series_id"))
    return _split(long, horizon, f"M4 {frequency}", season_length, info)


def _m4_long(wide, file):
    """The competition's wide rows (id, values..., padding) as (series_id, period, value)."""
    ids = wide.iloc[:, 0].astype(str).to_numpy()
    values = wide.iloc[:, 1:].to_numpy(dtype=float)
    observed = ~np.isnan(values)
    lengths = observed.sum(axis=1)
    # Shorter series are padded at the end: no gap may lie inside a series.
    if not (observed == (np.arange(values.shape[1]) < lengths[:, None])).all():
        raise ValueError(f"{file}: a series has a gap before its last value; the file is "
                         "damaged.")
    rows, cols = np.nonzero(observed)
    return pd.DataFrame({"series_id": ids[rows], "period": cols, "value": values[rows, cols]})
