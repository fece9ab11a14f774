"""The five maturity bands a 0–100 score falls into, defined once."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

__all__ = ["BANDS", "Band", "band_for", "band_names", "next_band"]


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
    """Vectorised: the band name of every score (NaN stays missing)."""
    edges = [band.lower for band in BANDS] + [math.inf]
    names = pd.cut(scores, bins=edges, labels=[b.name for b in BANDS], right=False, include_lowest=True)
    return names.astype("object").where(scores.notna(), None)
