"""SILSO daily total sunspot number."""

import pandas as pd

from ._fetch import RemoteFile, locate

# The publisher updates this file every day, so only its announced size can be verified.
SUNSPOTS = RemoteFile("SN_d_tot_V2.0.csv", "https://www.sidc.be/SILSO/DATA/SN_d_tot_V2.0.csv")


def load_sunspots(path=None, *, data_home=None, download_if_missing=True):
    """Load the SILSO daily total sunspot number as a daily Series.

    Source: WDC-SILSO, Royal Observatory of Belgium, Brussels (CC BY-NC 4.0).

    Parameters
    ----------
    path : str or Path, default=None
        The CSV (or .gz) itself, or a folder holding ``SN_d_tot_V2.0.csv``. None: look in the
        folder named by $SKLSTM_DATA, then the cache, then download from SILSO.
    data_home : str or Path, default=None
        Cache folder for downloads (default $SKLSTM_HOME or ``~/sklstm_data``).
    download_if_missing : bool, default=True
        Download when no local copy is found; False raises FileNotFoundError instead.

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
    raw = pd.read_csv(
        file,
        sep=";",
        header=None,
        usecols=[0, 1, 2, 4],
        names=["year", "month", "day", "sunspot_number"],
        skipinitialspace=True,
    )
    index = pd.to_datetime(raw[["year", "month", "day"]])
    series = pd.Series(raw["sunspot_number"].to_numpy(dtype=float), index=index,
                       name="sunspot_number")
    series[series == -1] = float("nan")
    series.index.name = "date"
    series.index.freq = pd.infer_freq(series.index[:10])
    return series
