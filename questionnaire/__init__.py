"""The maturity framework: models, loading, validation and coverage. Pure: no UI, database or PDF."""

from questionnaire.loader import DEFAULT_FRAMEWORK_ID, FrameworkError, load_framework
from questionnaire.model import Finding, Framework, LevelDescriptor, Question, Theme

__all__ = [
    "DEFAULT_FRAMEWORK_ID",
    "Finding",
    "Framework",
    "FrameworkError",
    "LevelDescriptor",
    "Question",
    "Theme",
    "load_framework",
]
