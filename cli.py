"""Command line for City Cohesion Self-Assessment: the same core the app uses.

    python cli.py framework check [--seeds DIR] [--json]
    python cli.py framework show
    python cli.py score FILE [--json]
    python cli.py db upgrade [--db URL]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel, ConfigDict, ValidationError
from rich.console import Console
from rich.table import Table

from questionnaire.coverage import Coverage, measure_coverage
from questionnaire.loader import (
    BUILTIN_FRAMEWORKS,
    DEFAULT_FRAMEWORK_ID,
    FrameworkError,
    available_frameworks,
    load_framework,
)
from questionnaire.model import Framework, first_problem, text_in
from questionnaire.sources import seeds_dir
from scoring import Answer
from scoring.summary import summarise

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__.splitlines()[0])
framework_app = typer.Typer(no_args_is_help=True, help="Check and read the maturity frameworks.")
db_app = typer.Typer(no_args_is_help=True, help="Prepare the database.")
app.add_typer(framework_app, name="framework")
app.add_typer(db_app, name="db")

console = Console()
errors = Console(stderr=True, soft_wrap=True)

FrameworksOption = Annotated[
    Path, typer.Option("--frameworks", help="Folder of framework folders.", show_default=False)
]
DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL; default $DATABASE_URL or the local SQLite file.")
]


def _load_all(base: Path) -> list[Framework]:
    folders = available_frameworks(base)
    if not folders:
        errors.print(f"[red]No framework found under {base}[/red]")
        raise typer.Exit(2)
    try:
        return [load_framework(folder) for folder in folders]
    except FrameworkError as exc:
        errors.print(f"[red]Framework error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None


def _print_coverage(framework: Framework, coverage: Coverage) -> None:
    console.print(f"\n[bold]{framework.label}[/bold]: {coverage.findings} findings, "
                  f"{coverage.themes} themes, {coverage.questions} questions")
    themes = Table("Theme", "Title", "Questions", title="Questions per theme")
    for theme in framework.themes:
        themes.add_row(theme.id, text_in(theme.title), str(coverage.questions_per_theme[theme.id]))
    console.print(themes)
    findings = Table("Finding", "Title", "Questions", title="Questions per finding")
    for finding in framework.findings:
        count = coverage.questions_per_finding[finding.id]
        style = "red" if finding.id in coverage.findings_under_two else ""
        findings.add_row(finding.id, text_in(finding.title), f"[{style}]{count}[/{style}]" if style else str(count))
    console.print(findings)
    if not coverage.seeds_checked:
        console.print("[yellow]Seed texts not found: quoted phrases were not checked "
                      "(use --seeds DIR or SEEDS_DIR).[/yellow]")
    for name in Coverage.PROBLEM_LISTS:
        items = getattr(coverage, name)
        label = name.replace("_", " ")
        if items:
            console.print(f"[red]{label}: {len(items)}[/red]")
            for item in items:
                console.print(f"  - {item}", highlight=False, markup=False)
        else:
            console.print(f"[green]{label}: none[/green]")


@framework_app.command("check")
def framework_check(
    seeds: Annotated[Path | None, typer.Option(help="Folder with the briefs' seed texts.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    frameworks: FrameworksOption = BUILTIN_FRAMEWORKS,
) -> None:
    """Validate every framework and report its coverage of the briefs; exit 1 on any problem."""
    seeds_path = seeds_dir(seeds)
    loaded = _load_all(frameworks)
    reports = [measure_coverage(fw, seeds_path) for fw in loaded]
    if as_json:
        main = next((r for r in reports if r.framework == DEFAULT_FRAMEWORK_ID), reports[0])
        payload = {**main.as_dict(), "frameworks": [r.as_dict() for r in reports]}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        for fw, report in zip(loaded, reports, strict=True):
            _print_coverage(fw, report)
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


@framework_app.command("show")
def framework_show(frameworks: FrameworksOption = BUILTIN_FRAMEWORKS) -> None:
    """Print each framework as readable text: findings, then themes with questions and levels."""
    for fw in _load_all(frameworks):
        console.rule(f"{text_in(fw.title)} ({fw.label})")
        console.print("\n[bold]Findings[/bold]")
        for f in fw.findings:
            console.print(f"  {f.id}  {text_in(f.title)}", highlight=False)
        for theme in fw.themes:
            console.print(f"\n[bold]{theme.id}  {text_in(theme.title)}[/bold]", highlight=False)
            console.print(f"  {text_in(theme.description)}", highlight=False, markup=False)
            for q in theme.questions:
                console.print(f"\n  [bold]{q.id}[/bold] {text_in(q.text)}", highlight=False)
                console.print(f"     Guidance: {text_in(q.guidance)}", highlight=False, markup=False)
                for d in q.descriptors:
                    console.print(f"     {d.level}: {text_in(d.text)}", highlight=False, markup=False)
                for s in q.sources:
                    console.print(f"     Source: {s.seed} line {s.line}: \"{s.quote}\"", highlight=False, markup=False)
                console.print(f"     Findings: {', '.join(q.findings)}", highlight=False)


class _ScoreFile(BaseModel):
    """The assessment file `score` reads: framework, the city's declared challenges, targets, answers."""

    model_config = ConfigDict(extra="ignore")

    framework: dict[str, str]
    challenges: list[str] = []
    targets: dict[str, float] = {}
    answers: list[Answer]


MAX_FILE_BYTES = 5 * 2**20


def _read_score_file(path: Path) -> _ScoreFile:
    if not path.is_file():
        raise ValueError(f"{path}: file not found")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path}: file is larger than {MAX_FILE_BYTES // 2**20} MiB")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    except (RecursionError, ValueError) as exc:
        raise ValueError(f"{path}: not a valid assessment file ({exc})") from None
    try:
        return _ScoreFile.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{path}: {first_problem(exc)[1]}") from None


@app.command("score")
def score(
    file: Annotated[Path, typer.Argument(help="Assessment file (JSON).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Score an assessment file: theme scores, completeness, evidence, bands, gaps and priorities."""
    try:
        sheet = _read_score_file(file)
        folder = BUILTIN_FRAMEWORKS / sheet.framework.get("id", DEFAULT_FRAMEWORK_ID)
        framework = load_framework(folder)
        summary = summarise(framework, sheet.answers, sheet.targets, sheet.challenges)
    except (ValueError, FrameworkError) as exc:  # AnswerError is a ValueError
        errors.print(f"[red]Cannot score {file}:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    overall = summary.overall
    console.print(
        f"Overall index {_fmt(overall['index'])} ({overall['band'] or 'no score yet'}), "
        f"conservative {_fmt(overall['conservative'])}, completeness {_pct(overall['completeness'])}, "
        f"evidence coverage {_pct(overall['evidence_coverage'])}",
        highlight=False,
    )
    table = Table("Theme", "Score", "Band", "Conservative", "Complete", "Evidence", "Target", "Gap")
    titles = {t.id: text_in(t.title) for t in framework.themes}
    for row in summary.themes.itertuples():
        table.add_row(
            f"{row.theme_id} {titles[row.theme_id]}", _fmt(row.score), row.band or row.state,
            _fmt(row.conservative), _pct(row.completeness), _pct(row.evidence_coverage), _fmt(row.target),
            _fmt(row.gap),
        )
    console.print(table)
    for row in summary.priorities.head(5).itertuples():
        console.print(f"{row.rank}. {row.explanation}", highlight=False, markup=False)


def _fmt(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:.0f}"


def _pct(value: float | None) -> str:
    return "–" if value is None or value != value else f"{100 * value:.0f} %"


@db_app.command("upgrade")
def db_upgrade(
    db: DbOption = None,
) -> None:
    """Create the database if needed and bring it to the newest schema, keeping every row."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.config import database_url
    from storage.migrate import upgrade_database

    url = database_url(db)
    try:
        revision = upgrade_database(url)
    except (SQLAlchemyError, OSError) as exc:
        errors.print(f"[red]Could not prepare the database:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    console.print(f"Database ready at revision {revision}.", highlight=False)


if __name__ == "__main__":
    app()
