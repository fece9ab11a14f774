"""Carry question ids from an earlier framework version into the current one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from questionnaire.model import Framework

__all__ = ["CrosswalkError", "IdMapping", "map_question_ids"]


class CrosswalkError(ValueError):
    """The framework has no crosswalk from the requested version."""


@dataclass(frozen=True)
class IdMapping:
    """Where each old question id lands in the current framework.

    ``mapped`` old id → current id; ``retired`` old ids the crosswalk says have no successor;
    ``unknown`` old ids that neither the crosswalk nor the current framework know.
    """

    mapped: dict[str, str]
    retired: list[str]
    unknown: list[str]

    @property
    def unmapped(self) -> list[str]:
        """Every old id that could not be carried over, retired or unknown."""
        return sorted(self.retired + self.unknown)


def map_question_ids(framework: Framework, from_version: str, question_ids: Iterable[str]) -> IdMapping:
    """Map ``question_ids`` of ``framework.id`` at ``from_version`` onto ``framework``.

    An id the crosswalk does not mention keeps its id when the current version still has it.
    Raises ``CrosswalkError`` when ``from_version`` is another version and no crosswalk covers it.
    """
    current = {q.id for q in framework.questions}
    if from_version == framework.version:
        table: dict[str, str | None] = {}
    else:
        crosswalk = next((c for c in framework.crosswalks if c.from_version == from_version), None)
        if crosswalk is None:
            known = ", ".join(c.from_version for c in framework.crosswalks) or "none"
            raise CrosswalkError(
                f"{framework.label} has no crosswalk from version {from_version} (crosswalks from: {known})"
            )
        table = crosswalk.questions

    mapped: dict[str, str] = {}
    retired: list[str] = []
    unknown: list[str] = []
    for old in question_ids:
        if old in table:
            new = table[old]
            if new is None:
                retired.append(old)
            else:
                mapped[old] = new
        elif old in current:
            mapped[old] = old
        else:
            unknown.append(old)
    return IdMapping(mapped=mapped, retired=sorted(retired), unknown=sorted(unknown))
