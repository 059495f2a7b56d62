"""Real data sets of the sklstm tasks, offline from a local copy or downloaded once and cached."""

from ._car import load_car_colors, make_car_sequences
from ._fetch import get_data_home
from ._sunspots import load_monthly_sunspots, load_sunspots
from ._weather import load_australian_temperatures, load_monthly_temperatures, load_weather_aus

__all__ = [
    "get_data_home",
    "load_australian_temperatures",
    "load_car_colors",
    "load_monthly_sunspots",
    "load_monthly_temperatures",
    "load_sunspots",
    "load_weather_aus",
    "make_car_sequences",
]
