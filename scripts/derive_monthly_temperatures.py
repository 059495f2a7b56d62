"""Derive sklstm's embedded data set from the "Rain in Australia" file.

    SKLSTM_DATA=../shared/data python scripts/derive_monthly_temperatures.py

Writes ``sklstm/datasets/data/australian_monthly_temperatures.csv.gz``: the monthly mean of
the daily median temperature ((MinTemp + MaxTemp) / 2) of each of the 49 locations,
2007-11 .. 2017-06, rounded to 0.001 degree; months without observations are empty. It is
what :func:`sklstm.datasets.load_monthly_temperatures` computes from the full file (145,460
rows, 13 MB), small enough (about 25 kB) to ship with the package for the tour and the
docs. Source: Australian Bureau of Meteorology observations (Climate Data Online), as
collected in Kaggle's "Rain in Australia" data set; Copyright Commonwealth of Australia 2010,
Bureau of Meteorology, used under the Copyright Act 1968 / CC BY 3.0 AU where marked.
"""

from pathlib import Path

from sklstm.datasets import load_monthly_temperatures

OUT = (Path(__file__).resolve().parents[1] / "sklstm" / "datasets" / "data"
       / "australian_monthly_temperatures.csv.gz")


def main():
    monthly = load_monthly_temperatures().round(3)
    monthly.index = monthly.index.strftime("%Y-%m")
    monthly.index.name = "month"
    monthly.to_csv(OUT, compression={"method": "gzip", "mtime": 0})
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {monthly.shape[0]} months x "
          f"{monthly.shape[1]} locations)")


if __name__ == "__main__":
    main()
