"""Command line for City Cohesion Self-Assessment: the same core the app uses.

python cli.py framework check [--seeds DIR] [--json]
python cli.py framework show
python cli.py score FILE [--json]
python cli.py db upgrade [--db URL]
python cli.py demo [--db URL]
python cli.py list [--db URL] [--json]
python cli.py export --assessment ID --format json|csv|xlsx --out FILE [--table NAME] [--db URL]
python cli.py import FILE [--assessment ID] [--replace] [--dry-run] [--db URL]
python cli.py report (--assessment ID | --input FILE.json) --out FILE.pdf [--db URL]
python cli.py batch-report --out DIR [--db URL]
python cli.py user add EMAIL --name NAME [--admin] [--db URL]      (asks for the password)
python cli.py user role EMAIL --city ID --role viewer|editor|coordinator [--db URL]
"""

from __future__ import annotations

import getpass
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from questionnaire.coverage import Coverage, measure_coverage
from questionnaire.loader import (
    BUILTIN_FRAMEWORKS,
    DEFAULT_FRAMEWORK_ID,
    FrameworkError,
    available_frameworks,
    load_framework,
    load_frameworks,
)
from questionnaire.model import Framework, text_in
from questionnaire.practices import PRACTICES_FILE, PracticeLibrary, load_practices
from questionnaire.problems import problems_of
from questionnaire.rules import weights_table
from questionnaire.sources import seeds_dir
from reporting.context import ReportVariant
from scoring.bands import format_points
from scoring.summary import summarise
from storage.errors import StorageError

if TYPE_CHECKING:
    from scoring.records import AssessmentRecord
    from storage.store import Store

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__.splitlines()[0])
framework_app = typer.Typer(no_args_is_help=True, help="Check and read the maturity frameworks.")
db_app = typer.Typer(no_args_is_help=True, help="Prepare the database.")
app.add_typer(framework_app, name="framework")
user_app = typer.Typer(no_args_is_help=True, help="Create accounts and give them roles in cities.")
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")

console = Console()
errors = Console(stderr=True, soft_wrap=True)

FrameworksOption = Annotated[
    Path, typer.Option("--frameworks", help="Folder of framework folders.", show_default=False)
]
DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL; default $DATABASE_URL or the local SQLite file.")
]
VariantOption = Annotated[
    ReportVariant,
    typer.Option("--variant", help="full: every section; summary: a few pages for leadership, no theme detail."),
]


def _refuse(heading: str, exc: BaseException, code: int = 1) -> NoReturn:
    """Say why something was refused, in plain sentences (one per problem), and exit with ``code``."""
    problems = problems_of(exc)
    if len(problems) == 1:
        errors.print(f"[red]{escape(heading)}:[/red] {escape(problems[0])}", highlight=False)
    else:
        errors.print(f"[red]{escape(heading)}:[/red]", highlight=False)
        for problem in problems:
            errors.print(f"  - {problem}", highlight=False, markup=False)
    raise typer.Exit(code) from None


def _load_all(base: Path) -> tuple[list[Framework], list[Path]]:
    """Every framework version under ``base``, and the folder of each."""
    folders = available_frameworks(base)
    if not folders:
        errors.print(f"[red]No framework found under {escape(str(base))}[/red]")
        raise typer.Exit(2)
    try:
        return [load_framework(folder) for folder in folders], folders
    except FrameworkError as exc:
        errors.print(f"[red]Framework error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None


def _print_coverage(framework: Framework, coverage: Coverage) -> None:
    console.print(
        f"\n[bold]{framework.label}[/bold]: {coverage.findings} findings, "
        f"{coverage.themes} themes, {coverage.questions} questions"
    )
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
    console.print(
        f"Practice library: {coverage.practices} practices; themes without one: "
        f"{', '.join(coverage.themes_without_practices) or 'none'}",
        highlight=False,
    )
    if not coverage.seeds_checked:
        console.print(
            "[yellow]Seed texts not found: quoted phrases were not checked (use --seeds DIR or SEEDS_DIR).[/yellow]"
        )
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
    loaded, folders = _load_all(frameworks)
    reports = [
        measure_coverage(fw, seeds_path, _library(folder), loaded) for fw, folder in zip(loaded, folders, strict=True)
    ]
    if as_json:
        main = ([r for r in reports if r.framework == DEFAULT_FRAMEWORK_ID] or reports)[-1]  # the newest version
        payload = {**main.as_dict(), "frameworks": [r.as_dict() for r in reports]}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        for fw, report in zip(loaded, reports, strict=True):
            _print_coverage(fw, report)
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


def _library(folder: Path) -> PracticeLibrary | None:
    """The framework's practice library, or None when it ships none."""
    if not (folder / PRACTICES_FILE).is_file():
        return None
    try:
        return load_practices(folder)
    except FrameworkError as exc:
        errors.print(f"[red]Practice library error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None


@framework_app.command("show")
def framework_show(frameworks: FrameworksOption = BUILTIN_FRAMEWORKS) -> None:
    """Print each framework as readable text: findings, then themes with questions and levels."""
    for fw in _load_all(frameworks)[0]:
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
                    console.print(f'     Source: {s.seed} line {s.line}: "{s.quote}"', highlight=False, markup=False)
                console.print(f"     Findings: {', '.join(q.findings)}", highlight=False)


@framework_app.command("weights")
def framework_weights(frameworks: FrameworksOption = BUILTIN_FRAMEWORKS) -> None:
    """Print, as a Markdown table, every question of the newest version with its weight and the briefs'
    phrase that sets it (the table at the end of docs/methodology.md)."""
    catalog = load_frameworks(frameworks)
    framework = catalog[DEFAULT_FRAMEWORK_ID] if DEFAULT_FRAMEWORK_ID in catalog else next(iter(catalog.values()))
    sys.stdout.write(weights_table(framework))


@app.command("score")
def score(
    file: Annotated[Path, typer.Argument(help="Portable assessment file (JSON), as exported.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Score a portable assessment file: theme scores, completeness, evidence, bands, gaps and priorities."""
    from storage.errors import ImportRefused
    from storage.portable import read_portable

    try:
        sheet = read_portable(_read_bytes(file))
        framework = _installed(sheet.framework.id, sheet.framework.version)
        summary = summarise(framework, sheet.recorded_answers(), sheet.assessment.targets, sheet.city.challenges)
    except (ValueError, FrameworkError, ImportRefused) as exc:  # AnswerError is a ValueError
        _refuse(f"Cannot score {file}", exc, code=2)
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    overall = summary.overall
    console.print(
        f"Overall index {format_points(overall['index'])} ({overall['band'] or 'no score yet'}), "
        f"conservative {format_points(overall['conservative'])}, completeness {_pct(overall['completeness'])}, "
        f"evidence coverage {_pct(overall['evidence_coverage'])}",
        highlight=False,
    )
    table = Table("Theme", "Score", "Band", "Conservative", "Complete", "Evidence", "Target", "Gap")
    titles = {t.id: text_in(t.title) for t in framework.themes}
    for row in summary.themes.itertuples():
        table.add_row(
            f"{row.theme_id} {titles[row.theme_id]}",
            format_points(row.score),
            row.band or row.state,
            format_points(row.conservative),
            _pct(row.completeness),
            _pct(row.evidence_coverage),
            format_points(row.target),
            format_points(row.gap),
        )
    console.print(table)
    for row in summary.priorities.head(5).itertuples():
        console.print(f"{row.rank}. {row.explanation}", highlight=False, markup=False)


def _pct(value: float | None) -> str:
    return "–" if value is None or value != value else f"{100 * value:.0f} %"


def _installed(framework_id: str, version: str) -> Framework:
    """The installed framework a file was made with, or a plain refusal."""
    installed = load_frameworks().by_version(framework_id)
    if not installed:
        raise ValueError(f"the file uses the framework '{framework_id}', which is not installed")
    if version not in installed:
        raise ValueError(
            f"the file uses {framework_id} {version} but only {', '.join(installed)} is installed; import it first "
            "(the import maps it to the newest installed version) and work on the stored assessment"
        )
    return installed[version]


def _read_bytes(path: Path) -> bytes:
    """A file's bytes, refusing a missing or oversized file before reading it."""
    from storage.portable import MAX_FILE_BYTES

    if not path.is_file():
        raise ValueError(f"{path}: file not found")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path}: the file is larger than {MAX_FILE_BYTES // 2**20} MB")
    return path.read_bytes()


@db_app.command("upgrade")
def db_upgrade(
    db: DbOption = None,
) -> None:
    """Create the database if needed and bring it to the newest schema, keeping every row."""
    from storage.config import database_url
    from storage.migrate import upgrade_database

    try:
        revision = upgrade_database(database_url(db))
    except StorageError as exc:
        _refuse("Could not prepare the database", exc)
    console.print(f"Database ready at revision {revision}.", highlight=False)


def _actor() -> str:
    return f"{getpass.getuser()} (command line)"


def _open_store(db: str | None) -> Store:
    """The store at ``--db`` (or the default), upgraded to the newest schema first."""
    from storage.config import database_url
    from storage.migrate import upgrade_database
    from storage.store import Store

    url = database_url(db)
    try:
        upgrade_database(url)
        return Store.open(url, load_frameworks())
    except StorageError as exc:
        _refuse("Could not open the database", exc)


def _ask_secret(prompt: str) -> str:
    """A line typed without echo at a terminal, or read from standard input when it is piped."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    errors.print(prompt, end="", highlight=False, markup=False)
    return sys.stdin.readline().rstrip("\r\n")


def _new_password(email: str, refused: str = "No account created") -> str:
    """Ask twice until the password meets the rules; it never goes on the command line."""
    from access.passwords import password_problem

    for _ in range(3):
        password = _ask_secret(f"Password for {email} (at least 12 characters): ")
        problem = password_problem(password, email)
        if problem:
            errors.print(problem, highlight=False, markup=False)
            continue
        if _ask_secret("The same password again: ") != password:
            errors.print("The two passwords differ.", highlight=False, markup=False)
            continue
        return password
    errors.print(f"[red]{escape(refused)}:[/red] no usable password was given.", highlight=False)
    raise typer.Exit(1)


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The person's email address; it is how they sign in.")],
    name: Annotated[str, typer.Option("--name", help="The person's name, as the audit trail shows it.")],
    admin: Annotated[
        bool, typer.Option("--admin", help="A network administrator (manages cities and accounts).")
    ] = False,
    provider: Annotated[
        bool,
        typer.Option("--provider", help="No password: the person signs in through the city's identity provider."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Create an account; the password is asked for, never taken from the command line."""
    from access.accounts import Accounts

    store = _open_store(db)
    people = Accounts(store)
    if people.find(email) is not None:
        errors.print(f"[red]No account created:[/red] an account for {escape(email)} already exists.", highlight=False)
        raise typer.Exit(1)
    password = None if provider else _new_password(email)
    try:
        account = people.add(email, name, _actor(), password=password, network_admin=admin)
    except StorageError as exc:
        _refuse("No account created", exc)
    kind = "network administrator" if account.network_admin else "account"
    console.print(f"Created {kind} {account.id}: {account.name} <{account.email}>.", highlight=False, markup=False)


@user_app.command("password")
def user_password(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    db: DbOption = None,
) -> None:
    """Set a new password for an account whose owner forgot theirs; every session of it ends."""
    from access.accounts import Accounts

    people = Accounts(_open_store(db))
    account = people.find(email)
    if account is None:
        _refuse("No password set", StorageError(f"There is no account for {email}."))
    password = _new_password(account.email, "No password set")
    try:
        people.set_password(account.id, password, _actor())
    except StorageError as exc:
        _refuse("No password set", exc)
    console.print(f"New password set for {account.email}; their sessions have ended.", highlight=False, markup=False)


@user_app.command("first-run")
def user_first_run(
    url: Annotated[str, typer.Option("--url", help="Where the app is served.")] = "http://127.0.0.1:8501",
    db: DbOption = None,
) -> None:
    """Say how to sign in: on a server without accounts, how the first one is made."""
    from access.accounts import Accounts

    if Accounts(_open_store(db)).count() == 0:
        console.print(
            f"No account exists yet. Open {url} on this machine: the first page creates the first account, "
            "the server's administrator, who then sets up a city (or the demo city) in one click.\n"
            "Or create it here: .venv/bin/python cli.py user add --admin EMAIL --name NAME",
            highlight=False,
            markup=False,
        )
    else:
        console.print(
            f"Open {url} and sign in with your email and password. A city's coordinator invites new members "
            "from its Members page.",
            highlight=False,
            markup=False,
        )


@user_app.command("role")
def user_role(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    city: Annotated[int, typer.Option("--city", help="City id (see `list`).")],
    role: Annotated[str, typer.Option("--role", help="viewer, editor or coordinator.")],
    db: DbOption = None,
) -> None:
    """Give an account a role in a city (replacing the role it had there)."""
    from access.accounts import Accounts
    from access.roles import Role

    store = _open_store(db)
    people = Accounts(store)
    account = people.find(email)
    try:
        if account is None:
            raise StorageError(f"There is no account for {email}.")
        chosen = Role(role)
        store.city(city)
        people.add_member(account.id, city, chosen, _actor())
    except ValueError:
        _refuse("No role given", ValueError(f"'{role}' is not a role; choose viewer, editor or coordinator."))
    except StorageError as exc:
        _refuse("No role given", exc)
    console.print(f"{account.email} is now {chosen.value} of city {city}.", highlight=False, markup=False)


@app.command("demo")
def demo(db: DbOption = None) -> None:
    """Create the fictional demo city: two submitted assessments a year apart and a draft."""
    from storage.demo import create_demo

    store = _open_store(db)
    try:
        created = create_demo(store, store.framework(DEFAULT_FRAMEWORK_ID), _actor())
    except (ValueError, StorageError) as exc:
        errors.print(f"[red]No demo created:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None
    for record in created:
        console.print(f"Assessment {record.id}: {record.title} ({record.status.value})", highlight=False, markup=False)


@app.command("list")
def list_assessments(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """List cities and their assessments."""
    store = _open_store(db)
    cities = store.cities()
    by_city = {c.id: store.assessments(c.id) for c in cities}
    if as_json:
        listing = [
            {**c.model_dump(mode="json"), "assessments": [a.model_dump(mode="json") for a in by_city[c.id]]}
            for c in cities
        ]
        sys.stdout.write(json.dumps({"cities": listing}, indent=2, ensure_ascii=False) + "\n")
        return
    if not cities:
        console.print("No cities yet. Create one in the app, or try `python cli.py demo`.")
        return
    table = Table("City", "Assessment", "Title", "Status", "Started", "Framework")
    for city in cities:
        label = escape(f"{city.id} {city.name}, {city.country}")
        for record in by_city[city.id] or [None]:
            if record is None:
                table.add_row(label, "–", "no assessments yet", "", "", "")
                continue
            table.add_row(
                label,
                str(record.id),
                escape(record.title),
                record.status.value,
                record.started_at.strftime("%Y-%m-%d"),
                f"{record.framework_id} {record.framework_version}",
            )
            label = ""
    console.print(table)


class ExportFormat(StrEnum):
    """Export formats."""

    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


@app.command("export")
def export(
    assessment: Annotated[int, typer.Option("--assessment", help="Assessment id (see `list`).")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="json (portable), csv or xlsx.")] = ExportFormat.JSON,
    table: Annotated[
        str,
        typer.Option(
            "--table",
            help="For csv: answers, theme_scores, gaps, priorities, workshop_answers, workshop_consensus or actions.",
        ),
    ] = "answers",
    db: DbOption = None,
) -> None:
    """Export an assessment as a portable JSON file, a CSV table or an Excel workbook."""
    from storage import transfer

    store = _open_store(db)
    try:
        if fmt is ExportFormat.JSON:
            data = transfer.export_json(store, assessment)
        elif fmt is ExportFormat.CSV:
            data = transfer.export_csv(store, assessment, table)
        else:
            data = transfer.export_xlsx(store, assessment)
    except (StorageError, ValueError) as exc:
        errors.print(f"[red]Nothing exported:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None
    _write_atomically(out, data)
    console.print(f"Wrote {out} ({len(data):,} bytes).", highlight=False, markup=False)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so no half-written file is ever left."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        errors.print(
            f"[red]Could not write {escape(str(path))}:[/red] {escape(str(exc.strerror or exc))}", highlight=False
        )
        raise typer.Exit(1) from None


class ProfileChoice(StrEnum):
    """Which city profile an import keeps when the file's differs from the stored city's."""

    KEEP = "keep"
    FILE = "file"


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A portable .json file, or an answers .csv with --assessment.")],
    assessment: Annotated[
        int | None, typer.Option("--assessment", help="Draft assessment to read an answers CSV into.")
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="CSV: overwrite answers that differ.")] = False,
    profile: Annotated[
        ProfileChoice | None,
        typer.Option(
            "--profile",
            help="When the file's city profile differs from the stored city's: keep the stored one, "
            "or update it from the file.",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and describe the import; write nothing.")] = False,
    db: DbOption = None,
) -> None:
    """Import an assessment file (checked completely first; nothing is written if anything is wrong)."""
    from storage import transfer

    store = _open_store(db)
    try:
        data = _read_bytes(file)
        if file.suffix.lower() == ".csv":
            if assessment is None:
                raise ValueError("an answers CSV goes into an existing draft: give --assessment ID")
            if dry_run:
                raise ValueError("--dry-run is for portable .json files")
            changed = transfer.import_answers_csv(store, assessment, data, _actor(), replace=replace)
            console.print(f"Imported {changed} changed answer(s) into assessment {assessment}.", highlight=False)
            return
        plan = transfer.plan_import(store, data)
        for line in plan.describe():
            console.print(line, highlight=False, markup=False, soft_wrap=True)
        if dry_run:
            console.print("Dry run: nothing was written.")
            return
        if plan.needs_profile_choice and profile is None:
            errors.print(
                "Nothing was imported: the city profiles differ. Run again with --profile keep (keep the stored "
                "profile) or --profile file (update the stored profile from the file).",
                highlight=False,
                markup=False,
            )
            raise typer.Exit(2)
        record = transfer.apply_import(store, plan, _actor(), use_file_profile=profile is ProfileChoice.FILE)
    except (StorageError, ValueError) as exc:
        _refuse("Not imported", exc, code=2)
    console.print(f"Imported as assessment {record.id}.", highlight=False)


@app.command("report")
def report(
    out: Annotated[Path, typer.Option("--out", help="PDF file to write.")],
    assessment: Annotated[int | None, typer.Option("--assessment", help="Assessment id (see `list`).")] = None,
    input_file: Annotated[Path | None, typer.Option("--input", help="A portable .json file instead.")] = None,
    variant: VariantOption = ReportVariant.FULL,
    db: DbOption = None,
) -> None:
    """Write the PDF gap report of a stored assessment or of a portable file."""
    from reporting.pdf import ReportError, ReportRenderer
    from reporting.sources import context_from_facts, context_from_file
    from storage.errors import ImportRefused
    from storage.facts import report_facts
    from storage.portable import read_portable

    if (assessment is None) == (input_file is None):
        errors.print("[red]Give either --assessment ID or --input FILE.json.[/red]")
        raise typer.Exit(2)
    renderer = ReportRenderer()  # the layout worker starts while the data loads
    if renderer.exporter.cache_dir is None:  # else Chromium starts only if a chart is not on disk yet
        renderer.exporter.start()
    try:
        if input_file is not None:
            file = read_portable(_read_bytes(input_file))
            framework = _installed(file.framework.id, file.framework.version)
            context = context_from_file(file, framework, variant=variant)
        else:
            context = context_from_facts(report_facts(_open_store(db), assessment or 0), variant=variant)
        pdf = renderer.render(context)
    except (StorageError, ImportRefused, ReportError, ValueError) as exc:
        _refuse("No report written", exc)
    finally:
        renderer.close()
    _write_atomically(out, pdf)
    console.print(f"Wrote {out} ({len(pdf):,} bytes).", highlight=False, markup=False)


@app.command("batch-report")
def batch_report(
    out: Annotated[Path, typer.Option("--out", help="Folder for the PDFs (created if needed).")],
    workers: Annotated[int, typer.Option("--workers", min=1, max=8, help="Layout processes.")] = 2,
    variant: VariantOption = ReportVariant.FULL,
    db: DbOption = None,
) -> None:
    """Write the report of every city's latest assessment, charts and layout overlapping."""
    from rich.progress import Progress

    from reporting.charts import WARM_TABS, ChartExporter
    from reporting.pdf import ReportError, ReportRenderer
    from reporting.sources import context_from_facts
    from storage.facts import report_facts

    store = _open_store(db)
    latest = store.latest_assessments()
    names = {c.id: c.name for c in store.cities()}
    out.mkdir(parents=True, exist_ok=True)
    renderer = ReportRenderer(ChartExporter(tabs=WARM_TABS), workers=workers)
    renderer.exporter.start()
    failed: list[str] = []

    def fail(record: AssessmentRecord, exc: Exception) -> None:
        reason = "; ".join(problems_of(exc))
        failed.append(f"{names.get(record.city_id, 'a city')} (assessment {record.id}): {reason}")
        errors.print(f"No report for {failed[-1]}", highlight=False, markup=False)

    try:
        with Progress(console=console, transient=False) as progress:
            task = progress.add_task("Reports", total=len(latest))
            pending = []
            for record in latest:  # each report is laid out in a worker while the next one is charted here
                try:  # one city's problem never stops the others
                    context = context_from_facts(report_facts(store, record.id or 0), variant=variant)
                    charted, html = renderer.html(context)
                    pending.append((record, renderer.submit(html, charted.city_name)))
                except Exception as exc:  # noqa: BLE001 - said per city, and the batch goes on
                    fail(record, exc)
                    progress.advance(task)
            for record, future in pending:
                try:
                    _write_atomically(out / f"assessment-{record.id}.pdf", renderer.result(future))
                except (ReportError, typer.Exit) as exc:
                    fail(record, exc if isinstance(exc, ReportError) else ReportError("the PDF could not be written"))
                progress.advance(task)
    finally:
        renderer.close()
    console.print(f"Wrote {len(latest) - len(failed)} report(s) to {out}.", highlight=False, markup=False)
    if failed:
        errors.print(f"{len(failed)} report(s) not written:", highlight=False, markup=False)
        for line in failed:
            errors.print(f"  - {line}", highlight=False, markup=False)
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
