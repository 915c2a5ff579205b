"""Reads of the RAID app, one module per capability; the names are re-exported here."""

from kuroko.raid.selectors.simulation import latest_forecast, portfolio_forecasts

__all__: list[str] = ["latest_forecast", "portfolio_forecasts"]
