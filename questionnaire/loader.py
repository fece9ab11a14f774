"""Load a framework from its folder of YAML files, with errors that name the file and the id.

Every released version stays installed, one folder per version (``frameworks/<id>/<version>/``),
so a stored assessment is always shown on the version it was answered on. A framework folder holds::

    framework.yaml     id, version, title, description, briefs, scale
    findings.yaml      findings: [...]
    themes/*.yaml      one theme per file, with its questions (files read in name order)
    challenges.yaml    optional: local challenges a city can declare, and the themes each raises
    crosswalk.yaml     optional: crosswalks from earlier versions
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from questionnaire.model import LEVELS, Challenge, Crosswalk, Finding, Framework, Theme
from questionnaire.problems import first_problem

__all__ = [
    "BUILTIN_FRAMEWORKS",
    "DEFAULT_FRAMEWORK_ID",
    "FrameworkCatalog",
    "FrameworkError",
    "available_frameworks",
    "load_framework",
    "load_frameworks",
]

BUILTIN_FRAMEWORKS = Path(__file__).parent / "frameworks"
DEFAULT_FRAMEWORK_ID = "scn-transatlantic"

M = TypeVar("M", bound=BaseModel)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrameworkError(ValueError):
    """A framework file is missing, unreadable or invalid."""

    def __init__(self, file: Path | str, message: str, item_id: str | None = None) -> None:
        self.file = str(file)
        self.item_id = item_id
        self.message = message
        where = f"{self.file}: {item_id}" if item_id else self.file
        super().__init__(f"{where}: {message}")


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError(path, f"cannot read file ({exc})") from None
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise FrameworkError(path, f"not valid YAML{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise FrameworkError(path, f"not valid YAML ({exc})") from None


def _id_at(data: Any, loc: tuple[int | str, ...]) -> str | None:
    """The id of the innermost object with an ``id`` along ``loc`` in the raw data."""
    found = data.get("id") if isinstance(data, dict) else None
    node = data
    for key in loc:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
    return found if isinstance(found, str) else None


def _validate(model: type[M], data: Any, path: Path, fallback_id: str | None = None) -> M:
    """Validate one mapping; an error names ``path`` and the id nearest the problem."""
    if not isinstance(data, dict):
        raise FrameworkError(path, "expected a mapping", fallback_id)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        loc, message = first_problem(exc)
        raise FrameworkError(path, message, _id_at(data, loc) or fallback_id) from None


def _validate_list(model: type[M], path: Path, key: str, optional: bool = False) -> list[M]:
    """Validate every item of the list under ``key`` in the YAML file at ``path``."""
    if optional and not path.exists():
        return []
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise FrameworkError(path, f"expected a list under '{key}'")
    return [_validate(model, raw, path, f"{key}[{index}]") for index, raw in enumerate(data[key])]


def _refuse_duplicates(kind: str, items: list[tuple[str, Path]]) -> None:
    counts = Counter(item_id for item_id, _ in items)
    for item_id, path in items:
        if counts[item_id] > 1:
            raise FrameworkError(path, f"duplicate {kind} id (used {counts[item_id]} times)", item_id)


def _check_references(framework: Framework, files: dict[str, Path], root: Path) -> None:
    """Cross-file checks: unique ids, known findings, briefs and seeds, a complete scale."""
    head = root / "framework.yaml"
    if sorted(level.level for level in framework.scale) != list(LEVELS):
        raise FrameworkError(head, "scale must define each level 0 to 4 exactly once")

    brief_ids = {b.id for b in framework.briefs}
    seeds = {b.seed for b in framework.briefs}
    for finding in framework.findings:
        if finding.brief not in brief_ids:
            raise FrameworkError(root / "findings.yaml", f"unknown brief '{finding.brief}'", finding.id)
    findings_file = root / "findings.yaml"
    _refuse_duplicates("finding", [(f.id, findings_file) for f in framework.findings])
    _refuse_duplicates("theme", [(t.id, files[t.id]) for t in framework.themes])
    _refuse_duplicates("question", [(q.id, files[q.id]) for q in framework.questions])

    finding_ids = {f.id for f in framework.findings}
    for question in framework.questions:
        path = files[question.id]
        for ref in question.findings:
            if ref not in finding_ids:
                raise FrameworkError(path, f"unknown finding '{ref}'", question.id)
        for source in question.sources:
            if source.seed not in seeds:
                raise FrameworkError(path, f"source cites '{source.seed}', which is not a brief", question.id)

    theme_ids = {t.id for t in framework.themes}
    _refuse_duplicates("challenge", [(c.id, root / "challenges.yaml") for c in framework.challenges])
    for challenge in framework.challenges:
        for ref in challenge.themes:
            if ref not in theme_ids:
                raise FrameworkError(root / "challenges.yaml", f"unknown theme '{ref}'", challenge.id)

    question_ids = {q.id for q in framework.questions}
    for crosswalk in framework.crosswalks:
        for old, entry in crosswalk.questions.items():
            for new in entry.to:
                if new not in question_ids:
                    raise FrameworkError(root / "crosswalk.yaml", f"maps to unknown question '{new}'", old)


def load_framework(path: Path | str) -> Framework:
    """Load and validate the framework in folder ``path``.

    Raises ``FrameworkError`` naming the file, and the id where there is one, on any problem.
    """
    root = Path(path)
    if not root.is_dir():
        raise FrameworkError(root, "framework folder not found")
    head = _read_yaml(root / "framework.yaml")
    if not isinstance(head, dict):
        raise FrameworkError(root / "framework.yaml", "expected a mapping at the top of the file")

    findings = _validate_list(Finding, root / "findings.yaml", "findings")

    theme_files = sorted((root / "themes").glob("*.yaml"))
    if not theme_files:
        raise FrameworkError(root / "themes", "no theme files found")
    themes: list[Theme] = []
    files: dict[str, Path] = {}
    for theme_file in theme_files:
        theme = _validate(Theme, _read_yaml(theme_file), theme_file)
        themes.append(theme)
        files[theme.id] = theme_file
        files.update({q.id: theme_file for q in theme.questions})

    crosswalks = _validate_list(Crosswalk, root / "crosswalk.yaml", "crosswalks", optional=True)
    challenges = _validate_list(Challenge, root / "challenges.yaml", "challenges", optional=True)
    # The parts are validated models already; pydantic keeps them as they are.
    parts = {"findings": findings, "themes": themes, "challenges": challenges, "crosswalks": crosswalks}
    framework = _validate(Framework, {**head, **parts}, root / "framework.yaml")
    _check_references(framework, files, root)
    return framework


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


class FrameworkCatalog(Mapping[str, Framework]):
    """Every installed version of every framework; as a mapping, the newest version of each id.

    New assessments start on the newest version; a stored assessment is read with ``version``.
    """

    def __init__(self, frameworks: Iterable[Framework]) -> None:
        self._all: dict[tuple[str, str], Framework] = {}
        for framework in frameworks:
            key = (framework.id, framework.version)
            if key in self._all:
                raise FrameworkError(framework.label, "installed twice")
            self._all[key] = framework
        self._newest: dict[str, Framework] = {}
        for framework in sorted(self._all.values(), key=lambda f: _version_key(f.version)):
            self._newest[framework.id] = framework

    def __getitem__(self, framework_id: str) -> Framework:
        return self._newest[framework_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._newest)

    def __len__(self) -> int:
        return len(self._newest)

    def version(self, framework_id: str, version: str) -> Framework:
        """The framework ``framework_id`` at ``version``; raises ``KeyError`` when it is not installed."""
        return self._all[(framework_id, version)]

    def versions(self, framework_id: str) -> list[Framework]:
        """Every installed version of ``framework_id``, oldest first."""
        found = [f for (fid, _), f in self._all.items() if fid == framework_id]
        return sorted(found, key=lambda f: _version_key(f.version))

    def by_version(self, framework_id: str) -> dict[str, Framework]:
        """Every installed version of ``framework_id``, keyed by its version string."""
        return {f.version: f for f in self.versions(framework_id)}

    def all(self) -> list[Framework]:
        """Every installed framework version, by id then version."""
        return sorted(self._all.values(), key=lambda f: (f.id, _version_key(f.version)))


def available_frameworks(base: Path | str = BUILTIN_FRAMEWORKS) -> list[Path]:
    """Folders under ``base``, at any depth, that hold a framework (a ``framework.yaml``)."""
    return sorted(p.parent for p in Path(base).glob("**/framework.yaml"))


def load_frameworks(base: Path | str = BUILTIN_FRAMEWORKS) -> FrameworkCatalog:
    """Every framework version under ``base``; as a mapping, the newest version of each id."""
    return FrameworkCatalog(load_framework(path) for path in available_frameworks(base))
