"""SILSO daily total sunspot number."""

import numpy as np
import pandas as pd

from .._time import check_time_index
from ._fetch import RemoteFile, documented_loader, locate, read_table

_EXPECTED = (
    "SILSO's daily total sunspot number (SN_d_tot_V2.0.csv): 8 fields separated by ';' per "
    "line (year; month; day; decimal year; sunspot number; deviation; observations; "
    "definitive)."
)

# The publisher updates this file every day, so only its announced size can be verified.
SUNSPOTS = RemoteFile("SN_d_tot_V2.0.csv", "https://www.sidc.be/SILSO/DATA/SN_d_tot_V2.0.csv")


@documented_loader("SN_d_tot_V2.0.csv", "SILSO")
def load_sunspots(path=None, *, data_home=None, download_if_missing=True):
    """Load the SILSO daily total sunspot number as a daily Series.

    Source: WDC-SILSO, Royal Observatory of Belgium, Brussels (CC BY-NC 4.0).

    Parameters
    ----------
    {loader_params}

    Returns
    -------
    pandas.Series
        Named "sunspot_number", one value per day on a daily DatetimeIndex. Days without
        observation (-1 in the file) are NaN; no day is dropped.

    Examples
    --------
    >>> from sklstm.datasets import load_sunspots
    >>> y = load_sunspots()  # doctest: +SKIP
    >>> y["1848-12-23":].isna().sum()  # doctest: +SKIP
    0
    """
    file = locate(SUNSPOTS, path, data_home, download_if_missing)
    series = _read_silso(file, "daily", _EXPECTED, n_fields=8, date_fields=(0, 1, 2),
                         value_field=4, where="the sunspot file")
    series.index.name = "date"
    series.index.freq = pd.infer_freq(series.index[:10])
    return series


_EXPECTED_MONTHLY = (
    "SILSO's monthly mean total sunspot number (SN_m_tot_V2.0.csv): 7 fields separated by ';' "
    "per line (year; month; decimal year; sunspot number; deviation; observations; "
    "definitive)."
)
MONTHLY_SUNSPOTS = RemoteFile("SN_m_tot_V2.0.csv",
                              "https://www.sidc.be/SILSO/DATA/SN_m_tot_V2.0.csv")


@documented_loader("SN_m_tot_V2.0.csv", "SILSO")
def load_monthly_sunspots(path=None, *, data_home=None, download_if_missing=True):
    """Load the SILSO monthly mean total sunspot number (1749 onwards) as a monthly Series,
    from the same source as :func:`load_sunspots` (WDC-SILSO, CC BY-NC 4.0).

    Parameters
    ----------
    {loader_params}

    Returns
    -------
    pandas.Series of float
        Named "sunspot_number", one value per month on a month-start DatetimeIndex (freq
        "MS"); months without a value (-1 in the file) are NaN.

    Examples
    --------
    >>> from sklstm.datasets import load_monthly_sunspots
    >>> y = load_monthly_sunspots()  # doctest: +SKIP
    >>> str(y.index[0].date()), y.isna().sum()  # doctest: +SKIP
    ('1749-01-01', 0)
    """
    file = locate(MONTHLY_SUNSPOTS, path, data_home, download_if_missing)
    series = _read_silso(file, "monthly", _EXPECTED_MONTHLY, n_fields=7, date_fields=(0, 1),
                         value_field=3, where="the monthly sunspot file")
    series.index.name = "month"
    series.index.freq = "MS"
    return series


def _read_silso(file, kind, expected, *, n_fields, date_fields, value_field, where):
    """A SILSO ';'-separated file as a Series (-1 = no observation -> NaN), checked line by
    line: the field count, every field numeric, valid dates in time order."""
    raw = read_table(file, f"SILSO {kind} sunspot", expected, sep=";", header=None,
                     skipinitialspace=True)
    if raw.shape[1] != n_fields:
        raise ValueError(
            f"{file} has {raw.shape[1]} field(s) per line, so it is not the SILSO {kind} "
            f"sunspot file. Expected {expected}"
        )
    date_parts = ["year", "month", "day"][: len(date_fields)]
    raw = raw.iloc[:, [*date_fields, value_field]]
    raw.columns = [*date_parts, "sunspot_number"]
    numeric = raw.apply(pd.to_numeric, errors="coerce")
    broken = numeric.isna().any(axis=1).to_numpy()
    if broken.any():
        row = int(np.flatnonzero(broken)[0])
        raise ValueError(
            f"{file} has a missing or non-numeric field on line {row + 1} "
            f"({raw.iloc[row].tolist()}): the file is truncated or corrupt. Expected {expected}"
        )
    dates = numeric[date_parts].astype(int)
    if "day" not in date_parts:
        dates = dates.assign(day=1)
    try:
        index = pd.to_datetime(dates)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{file} holds an invalid date ({exc}). Expected {expected}") from None
    series = pd.Series(numeric["sunspot_number"].to_numpy(dtype=float), index=index,
                       name="sunspot_number")
    series[series == -1] = float("nan")
    check_time_index(series.index, f"{where} {file}", warn_irregular=False)
    return series
