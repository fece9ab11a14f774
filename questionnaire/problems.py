"""One place that turns a validation problem into a plain sentence a city official can act on.

The command line, the app and the import preview all show refusals through ``problem_sentences``
(or ``first_problem`` for a single field), so a message names its field once, carries no markup,
no documentation link and no library jargon.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

__all__ = ["Place", "first_problem", "plain", "problem_sentences", "problems_of"]

Place = tuple[int | str, ...]
"""Where a problem sits: field names and list positions, outermost first."""

# Pydantic's wording, said for people. Checked by prefix; the rest of the message is kept.
_WORDING: tuple[tuple[str, str], ...] = (
    ("Field required", "is missing"),
    ("Value should have at least 1 item after validation", "must not be empty"),
    ("String should have at least 1 character", "must not be empty"),
    ("Extra inputs are not permitted", "is not part of this format; remove it"),
    ("Input should be a valid integer", "must be a whole number (not text, true or false, or a fraction)"),
    ("Input should be a valid number", "must be a number (not text, or true or false)"),
    ("Input should be a valid boolean", "must be true or false"),
    ("Input should be a valid string", "must be text"),
    ("Input should be a valid list", "must be a list"),
    ("Input should be a valid array", "must be a list"),
    ("Input should be a valid tuple", "must be a list"),
    ("Input should be a valid dictionary", "must be an object with named fields"),
    ("Input should be an object", "must be an object with named fields"),
    ("Input should have timezone info", "must be a date and time with its time zone, for example 2026-03-01T09:30:00Z"),
    ("Input should be a valid datetime", "must be a date and time, for example 2026-03-01T09:30:00Z"),
    ("Input should be a valid date", "must be a date, for example 2026-03-01"),
    ("Input should be", "must be"),
    ("Input should", "must"),
)
_PREFIXES = ("Value error, ", "Assertion failed, ")


def plain(text: str) -> str:
    """``text`` safe to print anywhere: a broken character (a lone surrogate) becomes ``?``."""
    return text.encode("utf-8", "replace").decode("utf-8").strip()


def _what(message: str) -> str:
    for prefix in _PREFIXES:
        message = message.removeprefix(prefix)
    for said, meant in _WORDING:
        if message.startswith(said):
            return meant + message[len(said) :].replace(" [", " (").rstrip("]")
    return message


def _dotted(place: Place) -> str:
    return ".".join(str(part) for part in place)


def problem_sentences(
    exc: ValidationError,
    *,
    name: Callable[[Place], str] = _dotted,
    limit: int = 10,
) -> list[str]:
    """One sentence per problem in ``exc`` ("<field>: <what is wrong>"), at most ``limit`` of them.

    ``name`` turns a problem's place into the words for its field (default: the dotted path, such
    as ``answers.3.level``); a problem of the whole record is said without a field.
    """
    sentences: list[str] = []
    for error in exc.errors(include_url=False):
        place = tuple(error["loc"])
        what = plain(_what(str(error["msg"])))
        where = name(place) if place else ""
        if where and what.startswith(f"{where}:"):  # a validator that already named its own field
            what = what[len(where) + 1 :].strip()
        sentence = f"{where}: {what}" if where else what
        if sentence not in sentences:
            sentences.append(sentence)
    if len(sentences) > limit:
        more = len(sentences) - limit
        sentences = [*sentences[:limit], f"and {more} more problem{'s' if more > 1 else ''}"]
    return sentences


def first_problem(exc: ValidationError, labels: Mapping[str, str] | None = None) -> tuple[Place, str]:
    """Where the first problem sits and one sentence for it, the field said as ``labels`` name it."""
    place = tuple(exc.errors(include_url=False)[0]["loc"])

    def name(at: Place) -> str:
        return (labels or {}).get(str(at[0]), _dotted(at)) if at else ""

    return place, problem_sentences(exc, name=name, limit=1)[0]


def problems_of(exc: BaseException) -> list[str]:
    """The plain sentences any refusal carries: its ``problems`` list, a validation's problems, or its text."""
    if isinstance(exc, ValidationError):
        return problem_sentences(exc)
    listed: Sequence[Any] | None = getattr(exc, "problems", None)
    if listed:
        return [plain(str(p)) for p in listed]
    return [plain(str(exc))]
