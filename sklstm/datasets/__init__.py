"""Real data sets of the sklstm tasks, offline from a local copy or downloaded once and cached."""

from ._car import load_car_colors, make_car_sequences
from ._competitions import Competition, load_m3, load_m4
from ._fetch import get_data_home
from ._sunspots import load_monthly_sunspots, load_sunspots
from ._ucr import load_ucr, ucr_sets
from ._weather import load_australian_temperatures, load_monthly_temperatures, load_weather_aus

__all__ = [
    "Competition",
    "get_data_home",
    "load_australian_temperatures",
    "load_car_colors",
    "load_m3",
    "load_m4",
    "load_monthly_sunspots",
    "load_monthly_temperatures",
    "load_sunspots",
    "load_ucr",
    "load_weather_aus",
    "make_car_sequences",
    "ucr_sets",
]
