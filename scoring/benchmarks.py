"""Anonymous benchmarks: where a city stands among cities that share their results.

Nothing is computed for a group of fewer than ``MIN_GROUP`` cities: such a row says "suppressed"
and carries no figure, so no city's score can be worked out from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["GROUPS", "MIN_GROUP", "benchmark"]

MIN_GROUP = 5
GROUPS = ("all", "region", "population_band")
"""Peer groups: every sharing city, the same region, the same population band."""


def benchmark(themes: pd.DataFrame, cities: pd.DataFrame, city: str) -> pd.DataFrame:
    """Quartiles of each theme's score per peer group, and ``city``'s position in them.

    ``themes`` is ``theme_scores`` of the latest shared assessment of each city plus the assessed
    city's own; ``cities`` maps ``assessment`` to ``city``, ``region`` and ``population_band``;
    ``city`` is the city being assessed, which must appear in ``cities``. The city is compared with
    the others only: it never counts towards a group's size, so a group needs ``MIN_GROUP`` other
    cities before any figure of it is shown.

    Columns: theme_id, group, group_value, size, q1, median, q3, city_score, position (share of the
    group scoring below the city, 0–1), suppressed. ``size`` counts other cities with a score for the
    theme; a suppressed row has no size, quartiles or position.
    """
    if city not in set(cities["city"]):
        raise ValueError(f"city '{city}' is not among the benchmarked cities")
    data = themes[["assessment", "theme_id", "score"]].merge(
        cities[["assessment", "city", "region", "population_band"]], on="assessment"
    )
    own = cities.loc[cities["city"] == city].iloc[0]
    own_scores = data.loc[data["city"] == city].set_index("theme_id")["score"]
    peers = data[data["score"].notna() & (data["city"] != city)]  # the city is compared with others only

    rows = []
    for group in GROUPS:
        members = peers if group == "all" else peers[peers[group] == own[group]]
        value = "all cities" if group == "all" else str(own[group])
        stats = members.groupby("theme_id")["score"]
        sizes = stats.size()
        quartiles = stats.quantile([0.25, 0.5, 0.75]).unstack()
        own_by_row = members["theme_id"].map(own_scores).astype("float64")
        below = (members["score"].astype("float64") < own_by_row).groupby(members["theme_id"]).mean()
        for theme_id in themes["theme_id"].drop_duplicates():
            size = int(sizes.get(theme_id, 0))
            suppressed = size < MIN_GROUP
            score = own_scores.get(theme_id, np.nan)
            row = {
                "theme_id": theme_id, "group": group, "group_value": value, "size": np.nan if suppressed else size,
                "q1": np.nan, "median": np.nan, "q3": np.nan, "city_score": score,
                "position": np.nan, "suppressed": suppressed,
            }
            if not suppressed:
                row.update(q1=quartiles.loc[theme_id, 0.25], median=quartiles.loc[theme_id, 0.5],
                           q3=quartiles.loc[theme_id, 0.75])
                if score == score:  # the city has a score for this theme
                    row["position"] = float(below[theme_id])
            rows.append(row)
    return pd.DataFrame(rows)
