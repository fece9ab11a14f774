"""What can go wrong in the store, in words a city official can act on."""

from __future__ import annotations

from scoring.records import RecordedAnswer

__all__ = [
    "AnswerConflict",
    "AssessmentLocked",
    "ConfirmationRequired",
    "ImportRefused",
    "NotFound",
    "StorageError",
    "StorageUnavailable",
    "unavailable",
]


class StorageError(Exception):
    """Base of every store error; ``str(error)`` is a message fit to show the user."""


class NotFound(StorageError):
    """The city or assessment does not exist (or was deleted)."""


class StorageUnavailable(StorageError):
    """The database cannot be reached or written (read-only, full, busy too long, server down)."""


class AssessmentLocked(StorageError):
    """The assessment is submitted, so its answers are frozen."""


class ConfirmationRequired(StorageError):
    """A deletion was asked for without the confirmation that names what is deleted."""


class AnswerConflict(StorageError):
    """Someone else changed this answer since it was read; nothing was overwritten.

    ``current`` is the stored answer (with who changed it and when); ``attempted`` is the one refused.
    """

    def __init__(self, current: RecordedAnswer, attempted: RecordedAnswer) -> None:
        self.current = current
        self.attempted = attempted
        when = current.answered_at.strftime("%d %b %Y %H:%M UTC") if current.answered_at else "an unknown time"
        who = current.answered_by or "someone"
        super().__init__(
            f"{current.question_id} was changed by {who} at {when} while you were editing it; "
            "your answer was not saved. Choose which answer to keep."
        )


class ImportRefused(StorageError):
    """A file that cannot be imported; ``problems`` names each one. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The file was not imported: " + "; ".join(problems))


def unavailable(exc: BaseException, doing: str = "Saving") -> StorageUnavailable:
    """A driver error about the database itself (read-only, full, busy, unreachable) in words the user
    can act on: what failed, why, and that nothing was changed. ``doing`` names what was attempted."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "readonly" in text or "read-only" in text:
        reason = "the database is read-only"
    elif "disk" in text and "full" in text:
        reason = "the disk holding the database is full"
    elif "locked" in text or "busy" in text:
        reason = "the database is busy with another change for too long"
    elif "unable to open" in text:
        reason = "the database file cannot be opened or created (check its folder and permissions)"
    else:
        reason = "the database cannot be reached"
    return StorageUnavailable(
        f"{doing} failed: {reason}. Nothing was changed; please try again or ask your administrator."
    )
