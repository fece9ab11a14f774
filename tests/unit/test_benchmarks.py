"""Benchmarks: quartiles per peer group, the city's position, and suppression under five cities."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring import benchmark


def _cities(n_europe: int, n_america: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    cities, themes = [], []
    for i in range(n_europe + n_america):
        region = "Europe" if i < n_europe else "North America"
        cities.append({"assessment": f"a{i}", "city": f"c{i}", "region": region, "population_band": "large"})
        themes.append({"assessment": f"a{i}", "theme_id": "T1", "score": float(10 * i)})
    return pd.DataFrame(themes), pd.DataFrame(cities)


def test_quartiles_and_position_among_the_other_cities() -> None:
    themes, cities = _cities(6, 3)  # scores 0, 10, ..., 80; c4 scores 40 and is compared with the 8 others
    result = benchmark(themes, cities, city="c4").set_index("group")
    row = result.loc["all"]
    assert row["size"] == 8
    assert (row["q1"], row["median"], row["q3"]) == (17.5, 40.0, 62.5)
    assert row["city_score"] == 40.0
    assert row["position"] == pytest.approx(4 / 8)
    assert not row["suppressed"]


def test_the_assessed_city_never_counts_towards_the_five() -> None:
    themes, cities = _cities(5, 0)  # the city and four others: no peer figure may be shown
    result = benchmark(themes, cities, city="c0")
    assert result["suppressed"].all()
    assert result[["size", "q1", "median", "q3", "position"]].isna().all().all()


def test_a_region_with_fewer_than_five_cities_is_suppressed() -> None:
    themes, cities = _cities(6, 3)
    result = benchmark(themes, cities, city="c7").set_index("group")
    assert result.loc["region", "group_value"] == "North America"
    assert result.loc["region", "suppressed"]
    assert pd.isna(result.loc["region", "median"]) and pd.isna(result.loc["region", "size"])
    assert not result.loc["population_band", "suppressed"]


def test_an_unknown_city_is_refused() -> None:
    themes, cities = _cities(5, 0)
    with pytest.raises(ValueError, match="not among the benchmarked cities"):
        benchmark(themes, cities, city="elsewhere")
