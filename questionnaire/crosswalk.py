"""Carry question ids from an earlier framework version into the current one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from questionnaire.model import Crosswalk, Framework

__all__ = ["CrosswalkError", "IdMapping", "crosswalk_from", "map_question_ids", "readable_from", "same_scale"]


class CrosswalkError(ValueError):
    """The framework has no crosswalk from the requested version."""


@dataclass(frozen=True)
class IdMapping:
    """Where each old question id lands in the current framework.

    ``mapped`` old id → current id, for answers that stay valid (carried over and compared);
    ``not_comparable`` old id → its successors, where the question or its levels changed so much that
    the team must answer afresh, except at the levels ``keep_levels`` lists for it (old id → levels
    whose meaning did not change); ``retired`` old ids with no successor; ``unknown`` old ids that
    neither the crosswalk nor the current framework know.
    """

    mapped: dict[str, str]
    not_comparable: dict[str, list[str]]
    retired: list[str]
    unknown: list[str]
    keep_levels: dict[str, list[int]] = field(default_factory=dict)

    def carries(self, old_id: str, level: int | None) -> str | None:
        """The current id an answer to ``old_id`` at ``level`` (None: not a level) stays valid for."""
        if old_id in self.mapped:
            return self.mapped[old_id]
        if level is not None and level in self.keep_levels.get(old_id, ()):
            return self.not_comparable[old_id][0]
        return None

    @property
    def unmapped(self) -> list[str]:
        """Every old id that has no successor at all, retired or unknown."""
        return sorted(self.retired + self.unknown)

    def afresh(self) -> dict[str, list[str]]:
        """Current id → the earlier ids whose answers it replaces but could not carry over."""
        found: dict[str, list[str]] = {}
        for old, successors in sorted(self.not_comparable.items()):
            for new in successors:
                found.setdefault(new, []).append(old)
        return found

    def earlier_of(self, question_id: str) -> list[str]:
        """The old ids whose answers are not comparable but which the current ``question_id`` succeeds."""
        return sorted(old for old, new in self.not_comparable.items() if question_id in new)


def crosswalk_from(framework: Framework, from_version: str) -> Crosswalk | None:
    """The crosswalk of ``framework`` from ``from_version`` (None when it is the same version).

    Raises ``CrosswalkError`` when ``from_version`` is another version and no crosswalk covers it.
    """
    if from_version == framework.version:
        return None
    crosswalk = next((c for c in framework.crosswalks if c.from_version == from_version), None)
    if crosswalk is None:
        known = ", ".join(c.from_version for c in framework.crosswalks) or "none"
        raise CrosswalkError(
            f"{framework.label} has no crosswalk from version {from_version} (crosswalks from: {known})"
        )
    return crosswalk


def readable_from(framework: Framework, from_version: str) -> bool:
    """Whether answers given on ``from_version`` can be read onto ``framework`` (the same version, or
    an earlier one it has a crosswalk from); a later version cannot be read back onto an earlier one."""
    try:
        crosswalk_from(framework, from_version)
    except CrosswalkError:
        return False
    return True


def same_scale(framework: Framework, from_version: str) -> bool:
    """Whether scores of ``from_version`` sit on the same scale as those of ``framework`` (same
    version, or a crosswalk that says the levels kept their meaning)."""
    try:
        crosswalk = crosswalk_from(framework, from_version)
    except CrosswalkError:
        return False
    return crosswalk is None or not crosswalk.scale_changed


def map_question_ids(framework: Framework, from_version: str, question_ids: Iterable[str]) -> IdMapping:
    """Map ``question_ids`` of ``framework.id`` at ``from_version`` onto ``framework``.

    An id the crosswalk does not mention keeps its id when the current version still has it.
    Raises ``CrosswalkError`` when ``from_version`` is another version and no crosswalk covers it.
    """
    current = {q.id for q in framework.questions}
    crosswalk = crosswalk_from(framework, from_version)
    table = crosswalk.questions if crosswalk else {}
    mapped: dict[str, str] = {}
    not_comparable: dict[str, list[str]] = {}
    keep_levels: dict[str, list[int]] = {}
    retired: list[str] = []
    unknown: list[str] = []
    for old in question_ids:
        entry = table.get(old)
        if entry is None:
            if old in current:
                mapped[old] = old
            else:
                unknown.append(old)
        elif not entry.to:
            retired.append(old)
        elif entry.comparable:
            mapped[old] = entry.to[0]
        else:
            not_comparable[old] = list(entry.to)
            if entry.keep_levels:
                keep_levels[old] = list(entry.keep_levels)
    return IdMapping(
        mapped=mapped,
        not_comparable=not_comparable,
        retired=sorted(retired),
        unknown=sorted(unknown),
        keep_levels=keep_levels,
    )
