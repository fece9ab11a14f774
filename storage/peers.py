"""The cities a report compares with: the latest submitted assessment of each city that shares its
results, with theme scores worked out once, never per request per city.

A submitted assessment's answers are frozen, so its theme scores are worked out the first time they
are needed, in one batch through the vectorised scorer, and kept in ``assessment_scores``. A
process also keeps the peers it read, for as long as nothing that changes them happened: each call
asks the database for the newest audit event of the kinds in ``PEER_CHANGES`` (an indexed lookup),
and reads again when it moved. The database stays the one source of truth, so any number of app
processes can share it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from questionnaire.model import Framework
from scoring.answers import ANSWER_COLUMNS, AnswerError, answers_frame
from scoring.benchmarks import benchmark
from scoring.matching import Peer
from scoring.records import AssessmentRecord, AssessmentStatus
from scoring.scores import theme_scores
from storage.store import Store, city_from_row
from storage.tables import answers, assessment_scores, assessments, audit_events, cities

__all__ = ["OWN_CITY", "PEER_CHANGES", "SCORING_VERSION", "benchmark_of", "peers_of", "score_submitted"]

SCORING_VERSION = 1
"""Raise it when theme scores come to be worked out differently: kept scores of another version are
worked out again."""

OWN_CITY = "this city"
"""The key of the city being benchmarked in ``benchmark_of``'s input (other cities are numbered)."""

PEER_CHANGES = (
    "assessment.submit",
    "assessment.import",
    "assessment.delete",
    "assessment.restore",
    "city.create",
    "city.update",
    "city.delete",
    "city.restore",
)
"""The audited changes after which the set of peers, or what is known of them, may differ."""


@dataclass(frozen=True)
class _Shared:
    """Every sharing city's latest submitted assessment on one framework version, as read once."""

    peers: tuple[Peer, ...]
    places: pd.DataFrame
    """Each peer's assessment key ("a<id>"), anonymous name ("city <n>"), region, population band and city id."""
    scores: pd.DataFrame
    """Each peer's theme scores as ``theme_scores`` gives them (assessment, theme_id, score), and city id."""


_kept: dict[tuple[str, str, str], tuple[int, _Shared]] = {}
_lock = threading.Lock()


def peers_of(store: Store, framework: Framework, exclude_city: int | None) -> list[Peer]:
    """Cities that share their results (demo cities never count), each with the theme scores of its
    latest submitted assessment on ``framework``'s version, leaving out ``exclude_city``."""
    return [p for p in _shared(store, framework).peers if p.city.id != exclude_city]


def benchmark_of(store: Store, framework: Framework, record: AssessmentRecord, given: Sequence[Any]) -> pd.DataFrame:
    """``record`` (with its answers ``given``) among the other cities that share their results, theme by
    theme and peer group by peer group (``scoring.benchmarks.benchmark``): no other city is named, and
    groups below the minimum size are marked suppressed."""
    shared = _shared(store, framework)
    city = store.city(record.city_id or 0)
    own = theme_scores(framework, answers_frame(framework, given, assessment="own"))
    others = shared.places[shared.places["city_id"] != city.id]
    places = pd.concat(
        [
            pd.DataFrame(
                [
                    {
                        "assessment": "own",
                        "city": OWN_CITY,
                        "region": city.region.value,
                        "population_band": city.population_band.value,
                    }
                ]
            ),
            others.drop(columns="city_id"),
        ],
        ignore_index=True,
    )
    themes = pd.concat(
        [
            own[["assessment", "theme_id", "score"]],
            shared.scores[shared.scores["assessment"].isin(others["assessment"])],
        ],
        ignore_index=True,
    )
    return benchmark(themes, places, OWN_CITY)


def score_submitted(store: Store, conn: Connection, assessment_ids: Sequence[int]) -> int:
    """Work out and keep the theme scores of the submitted ``assessment_ids``, in one batch per
    framework version; returns how many were kept. Runs inside the caller's write transaction.

    An assessment whose stored answers its framework no longer accepts keeps no score (it is left out
    of every benchmark) rather than stopping the others.
    """
    records = conn.execute(
        select(assessments.c.id, assessments.c.framework_id, assessments.c.framework_version).where(
            assessments.c.id.in_(assessment_ids), assessments.c.status == AssessmentStatus.SUBMITTED.value
        )
    ).all()
    by_version: dict[tuple[str, str], list[int]] = {}
    for row in records:
        by_version.setdefault((row.framework_id, row.framework_version), []).append(row.id)
    kept: dict[int, dict[str, float | None]] = {}
    for (framework_id, version), ids in by_version.items():
        framework = store.framework(framework_id, version)
        columns = [answers.c[c] for c in ANSWER_COLUMNS[1:]]
        given = conn.execute(
            select(answers.c.assessment_id, *columns).where(answers.c.assessment_id.in_(ids)).order_by(answers.c.id)
        )
        frame = pd.DataFrame(given.all(), columns=["assessment_id", *ANSWER_COLUMNS[1:]])
        frame["assessment"] = "a" + frame["assessment_id"].astype(str)
        kept.update({aid: {} for aid in ids})
        kept.update(_scored(framework, frame))
    if kept:
        _keep(conn, [{"assessment_id": aid, "theme_scores": scores} for aid, scores in kept.items()])
    return len(kept)


def _scored(framework: Framework, frame: pd.DataFrame) -> dict[int, dict[str, float | None]]:
    """Theme scores by assessment id of every assessment in ``frame`` the framework accepts."""
    try:
        scored = theme_scores(framework, answers_frame(framework, frame))
    except AnswerError:
        if frame["assessment_id"].nunique() == 1:
            return {}
        parts = [_scored(framework, part) for _, part in frame.groupby("assessment_id")]
        return {aid: scores for part in parts for aid, scores in part.items()}
    scored["score"] = scored["score"].astype("float64")
    return {
        int(key[1:]): {t: (None if s != s else float(s)) for t, s in zip(part["theme_id"], part["score"], strict=True)}
        for key, part in scored.groupby("assessment", sort=False)
    }


def _keep(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert the scores, replacing any kept under another scoring version (another process may be
    doing the same at once: the last writer's equal figures win)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    now = datetime.now(UTC)
    statement = dialect.insert(assessment_scores).values(
        [{**r, "scoring_version": SCORING_VERSION, "computed_at": now} for r in rows]
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[assessment_scores.c.assessment_id],
            set_={
                "theme_scores": statement.excluded.theme_scores,
                "scoring_version": statement.excluded.scoring_version,
                "computed_at": statement.excluded.computed_at,
            },
        )
    )


def _generation(conn: Connection) -> int:
    newest = conn.execute(select(func.max(audit_events.c.id)).where(audit_events.c.action.in_(PEER_CHANGES)))
    return int(newest.scalar_one() or 0)


def _shared(store: Store, framework: Framework) -> _Shared:
    key = (store.engine.url.render_as_string(hide_password=False), framework.id, framework.version)
    with store.reading() as conn:
        generation = _generation(conn)
        with _lock:
            kept = _kept.get(key)
        if kept and kept[0] == generation:
            return kept[1]
        latest = _latest_shared(conn, framework)
    missing = [row.assessment_id for row in latest if row.scores is None]
    if missing:
        with store.transaction() as conn:
            score_submitted(store, conn, missing)
            latest = _latest_shared(conn, framework)
    shared = _read_peers([row for row in latest if row.scores is not None])
    with _lock:
        _kept[key] = (generation, shared)
    return shared


def _latest_shared(conn: Connection, framework: Framework) -> list[Any]:
    """The city row, assessment id and kept scores (None when not worked out yet) of each sharing city's
    latest submitted assessment on ``framework``'s version."""
    query = (
        select(cities, assessments.c.id.label("assessment_id"), assessment_scores.c.theme_scores.label("scores"))
        .join(assessments, assessments.c.city_id == cities.c.id)
        .outerjoin(
            assessment_scores,
            (assessment_scores.c.assessment_id == assessments.c.id)
            & (assessment_scores.c.scoring_version == SCORING_VERSION),
        )
        .where(
            cities.c.share_benchmarks.is_(True),
            cities.c.is_demo.is_(False),
            cities.c.deleted_at.is_(None),
            assessments.c.deleted_at.is_(None),
            assessments.c.status == AssessmentStatus.SUBMITTED.value,
            assessments.c.framework_id == framework.id,
            assessments.c.framework_version == framework.version,
        )
        .order_by(cities.c.id, assessments.c.started_at, assessments.c.id)
    )
    latest: dict[int, Any] = {}
    for row in conn.execute(query):
        latest[row.id] = row  # oldest first, so the last one wins
    return list(latest.values())


def _read_peers(rows: list[Any]) -> _Shared:
    rows = sorted(rows, key=lambda r: (r.name, r.id))
    scores = pd.DataFrame(
        [(f"a{r.assessment_id}", t, s, r.id) for r in rows for t, s in r.scores.items()],
        columns=["assessment", "theme_id", "score", "city_id"],
    )
    scores["score"] = pd.to_numeric(scores["score"], errors="coerce").astype("float64")
    places = pd.DataFrame(
        [(f"a{r.assessment_id}", f"city {n}", r.region, r.population_band, r.id) for n, r in enumerate(rows, start=1)],
        columns=["assessment", "city", "region", "population_band", "city_id"],
    )
    return _Shared(
        peers=tuple(Peer(city=city_from_row(r), theme_scores=r.scores) for r in rows), places=places, scores=scores
    )
