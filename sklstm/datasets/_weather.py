"""Rain in Australia: daily weather observations of 49 Australian locations."""

from pathlib import Path

import pandas as pd

from ..impute import reinstate_missing_timestamps
from ._fetch import RemoteFile, documented_loader, locate, read_table

_REQUIRED = ["Date", "Location", "MinTemp", "MaxTemp"]
_EXPECTED = (
    "the Rain in Australia table (weatherAUS.csv): comma-separated, a header line with "
    f"columns including {', '.join(_REQUIRED)}, one row per location and day."
)

# Kaggle needs a login; this is the weather article's own public copy, byte-identical to the
# Kaggle release (sha256 of the CSV).
WEATHER_AUS = RemoteFile(
    "weatherAUS.csv",
    "https://raw.githubusercontent.com/SolClover/Art044_NN_LSTM/main/data/weatherAUS.csv",
    sha256="573fd715cd69fcacc4df32024d823b450ae3edaae7e8ff2eeb623adbed424014",
    size=14094055,
)


@documented_loader("weatherAUS.csv", "the publisher")
def load_weather_aus(path=None, *, data_home=None, download_if_missing=True):
    """Load the raw daily "Rain in Australia" table.

    Observations of the Australian Bureau of Meteorology (Copyright Commonwealth of
    Australia 2010, Bureau of Meteorology), as published on Kaggle.

    Parameters
    ----------
    {loader_params}

    Returns
    -------
    pandas.DataFrame
        One row per location and day, ``Date`` parsed, ``NA`` read as NaN; nothing dropped.

    Examples
    --------
    >>> from sklstm.datasets import load_weather_aus
    >>> df = load_weather_aus()  # doctest: +SKIP
    >>> df.shape  # doctest: +SKIP
    (145460, 23)
    """
    file = locate(WEATHER_AUS, path, data_home, download_if_missing)
    frame = read_table(file, "weather", _EXPECTED, na_values=["NA"], keep_default_na=False)
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{file} lacks the column(s) {missing} (it has {list(frame.columns)[:8]}), so it "
            f"is not the weather file. Expected {_EXPECTED}"
        )
    dates = pd.to_datetime(frame["Date"], errors="coerce", format="%Y-%m-%d")
    if dates.isna().any():
        row = int(dates.isna().to_numpy().argmax())
        raise ValueError(
            f"{file} has an invalid Date on data line {row + 1} ({frame['Date'].iloc[row]!r}): "
            f"the file is corrupt. Expected {_EXPECTED}"
        )
    frame["Date"] = dates
    return frame


def load_monthly_temperatures(path=None, *, data_home=None, download_if_missing=True):
    """Monthly mean temperature per location, as in the weather tutorial.

    The daily median temperature is the median (mean) of MinTemp and MaxTemp, over days with
    both; its monthly mean is taken per location. Months absent from the file (2011-04,
    2012-12, 2013-02) are present as NaN rows, ready for :class:`sklstm.TimeSeriesImputer`.

    Parameters
    ----------
    path, data_home, download_if_missing
        As in :func:`load_weather_aus`.

    Returns
    -------
    pandas.DataFrame
        Month-start DatetimeIndex (freq "MS"), one column per location, degrees Celsius.

    Examples
    --------
    >>> from sklstm.datasets import load_monthly_temperatures
    >>> temps = load_monthly_temperatures()  # doctest: +SKIP
    >>> temps["Canberra"].isna().sum()  # doctest: +SKIP
    3
    """
    daily = load_weather_aus(path, data_home=data_home, download_if_missing=download_if_missing)
    daily = daily.dropna(subset=["MinTemp", "MaxTemp"])
    median = daily[["MinTemp", "MaxTemp"]].median(axis=1)
    month = daily["Date"].dt.to_period("M").dt.to_timestamp()
    monthly = (
        median.groupby([month, daily["Location"]]).mean().unstack("Location").sort_index()
    )
    monthly.index.name = "month"
    monthly.columns.name = "location"
    return reinstate_missing_timestamps(monthly, freq="MS")


_EMBEDDED = Path(__file__).resolve().parent / "data" / "australian_monthly_temperatures.csv.gz"


def load_australian_temperatures():
    """Monthly mean temperature of 49 Australian locations, shipped with sklstm (no download).

    The output of :func:`load_monthly_temperatures` (monthly mean of the daily median
    temperature, 2007-11 .. 2017-06), rounded to 0.001 degree and embedded in the package
    (14 kB) by ``scripts/derive_monthly_temperatures.py``, so that the tour and the
    documentation run offline. Months without observations are NaN.

    Source: Australian Bureau of Meteorology observations (Climate Data Online), as collected
    in Kaggle's "Rain in Australia" data set; Copyright Commonwealth of Australia 2010, Bureau
    of Meteorology (the BoM copyright page allows use under the Copyright Act 1968 and, where
    marked, CC BY 3.0 AU).

    Returns
    -------
    pandas.DataFrame
        Month-start DatetimeIndex (freq "MS", 116 months), one column per location, degrees
        Celsius.

    Examples
    --------
    >>> from sklstm.datasets import load_australian_temperatures
    >>> temps = load_australian_temperatures()
    >>> temps.shape, str(temps.index[0].date())
    ((116, 49), '2007-11-01')
    >>> round(float(temps.loc["2016-01-01", "Canberra"]), 2)
    21.27
    """
    frame = pd.read_csv(_EMBEDDED, index_col=0)
    frame.index = pd.PeriodIndex(frame.index, freq="M").to_timestamp()
    frame.index.name = "month"
    frame.columns.name = "Location"
    return frame.asfreq("MS")
