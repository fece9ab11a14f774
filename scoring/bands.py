"""The five maturity bands a 0–100 score falls into, defined once."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "BANDS",
    "BAND_FLOORS",
    "SCORE_DECIMALS",
    "Band",
    "band_for",
    "band_names",
    "format_points",
    "next_band",
    "settle",
]

SCORE_DECIMALS = 1
"""Every score, index, target, gap and change is a number of points rounded to one decimal (half
up) before any band, target or gap is decided, and shown at that precision. A score that is
exactly 40 in plain arithmetic (say, the mean of 33⅓ and 46⅔) is then 40.0 and Developing, not
39.99999999999999 and Emerging."""

_GUARD = 1e-9
"""Far below the 0.05 that rounding decides on, far above the error of summing a few hundred floats."""


def settle(values: np.ndarray | float) -> np.ndarray:
    """``values`` rounded to ``SCORE_DECIMALS`` decimals, half up (missing values stay missing).

    Floating-point error below ``_GUARD`` points is set aside first, so a true 12.25 rounds up to
    12.3 even when it was computed as 12.249999999999998.
    """
    scale = 10.0**SCORE_DECIMALS
    array = np.asarray(values, dtype=float)
    return np.floor(array * scale + 0.5 + _GUARD * scale) / scale


def format_points(value: float | None, signed: bool = False) -> str:
    """A score as people read it: "40", "39.6", "–" when there is none; ``signed`` adds "+" for a rise."""
    if value is None or value != value:
        return "–"
    settled = float(settle(value)) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{settled:+.{SCORE_DECIMALS}f}" if signed and settled != 0 else f"{settled:.{SCORE_DECIMALS}f}"
    return text.removesuffix("." + "0" * SCORE_DECIMALS)


@dataclass(frozen=True)
class Band:
    """A named stretch of the 0–100 scale: scores from ``lower`` up to the next band's lower bound."""

    id: str
    name: str
    lower: float
    meaning: str


BANDS: tuple[Band, ...] = (
    Band("starting", "Starting", 0, "Few of the practices are in place; what exists depends on individuals."),
    Band("emerging", "Emerging", 20, "Some practices happen, mostly informally, and few are written down."),
    Band("developing", "Developing", 40, "Plans and policies exist for many practices, and some are running."),
    Band("established", "Established", 60, "Most practices are resourced and running, and are rehearsed or used."),
    Band("leading", "Leading", 80, "Practices are running, evaluated and improved, and shared with peers."),
)
"""From lowest to highest. A score of exactly 20 is Emerging, exactly 80 Leading."""

BAND_FLOORS = np.array([band.lower for band in BANDS], dtype=float)
"""The lower bound of each band, lowest first, for vectorised look-ups."""
_NAMES = np.array([band.name for band in BANDS], dtype=object)


def band_for(score: float) -> Band | None:
    """The band of ``score`` (0–100), or None when there is no score."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return next(band for band in reversed(BANDS) if score >= band.lower)


def next_band(band: Band) -> Band | None:
    """The band above ``band``, or None for the top band."""
    index = BANDS.index(band)
    return BANDS[index + 1] if index + 1 < len(BANDS) else None


def band_names(scores: pd.Series) -> pd.Series:
    """Vectorised: the band name of every score (a missing score has no band)."""
    values = scores.to_numpy(dtype=float)
    index = np.searchsorted(BAND_FLOORS, values, side="right") - 1
    names = _NAMES[np.clip(index, 0, len(BANDS) - 1)]
    return pd.Series(np.where(np.isnan(values), None, names), index=scores.index, dtype=object)
