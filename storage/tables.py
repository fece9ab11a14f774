"""The store's tables (SQLAlchemy Core). Migrations create them; repositories read and write them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

__all__ = [
    "action_targets",
    "action_updates",
    "actions",
    "accounts",
    "answers",
    "assessment_scores",
    "assessments",
    "audit_events",
    "cities",
    "invitations",
    "memberships",
    "metadata",
    "round_answers",
    "round_decisions",
    "round_invitations",
    "round_participants",
    "rounds",
    "sessions",
    "sign_in_failures",
]

metadata = MetaData()

# Foreign keys never cascade: nothing is deleted as a side effect. Deleting a city or an
# assessment marks it deleted (``deleted_at``) and the audit trail says who did it.
cities = Table(
    "cities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("country", String(120), nullable=False),
    Column("region", String(32), nullable=False),
    Column("population_band", String(32), nullable=False),
    Column("challenges", JSON, nullable=False),
    Column("share_benchmarks", Boolean, nullable=False),
    Column("is_demo", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("deleted_at", DateTime(timezone=True)),
    Column("match_key", String(64)),
    # One live city per name and country (``scoring.records.city_key``): two importers of the same
    # new city at once cannot both create it.
    Index(
        "uq_cities_match_key",
        "match_key",
        unique=True,
        sqlite_where=text("deleted_at IS NULL"),
        postgresql_where=text("deleted_at IS NULL"),
    ),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("city_id", Integer, ForeignKey("cities.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("framework_id", String(64), nullable=False),
    Column("framework_version", String(32), nullable=False),
    Column("title", String(120), nullable=False),
    Column("status", String(16), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True)),
    Column("team", JSON, nullable=False),
    Column("targets", JSON, nullable=False),
    Column("based_on", Integer, ForeignKey("assessments.id", ondelete="RESTRICT")),
    Column("revision_of", Integer, ForeignKey("assessments.id", ondelete="RESTRICT")),
    Column("imported_digest", String(64)),
    Column("version", Integer, nullable=False),
    Column("deleted_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('draft', 'submitted')", name="assessment_status"),
    # A file is imported once: the database refuses a second live assessment from the same file.
    Index(
        "uq_assessments_imported_digest",
        "imported_digest",
        unique=True,
        sqlite_where=text("deleted_at IS NULL AND imported_digest IS NOT NULL"),
        postgresql_where=text("deleted_at IS NULL AND imported_digest IS NOT NULL"),
    ),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="RESTRICT"), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("level", Integer),
    Column("evidence", String(32), nullable=False),
    Column("reason", Text),
    Column("note", Text, nullable=False),
    Column("links", JSON, nullable=False),
    Column("answered_by", String(120), nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("carried_over", Boolean, nullable=False),
    UniqueConstraint("assessment_id", "question_id", name="one_answer_per_question"),
    CheckConstraint("level IS NULL OR (level >= 0 AND level <= 4)", name="answer_level_range"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(40), nullable=False),
    Column("city_id", Integer, index=True),
    Column("assessment_id", Integer, index=True),
    Column("question_id", String(64)),
    Column("old_value", JSON),
    Column("new_value", JSON),
    Index("ix_audit_events_action", "action", "id"),
)

# The theme scores of a submitted assessment, worked out once (``storage.peers``): its answers are
# frozen, so they hold until the way scores are worked out changes (``scoring_version``).
assessment_scores = Table(
    "assessment_scores",
    metadata,
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="RESTRICT"), primary_key=True),
    Column("scoring_version", Integer, nullable=False),
    Column("theme_scores", JSON, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
)

# -- who may do what (access/) -------------------------------------------------------------------

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),  # stored case-folded
    Column("name", String(120), nullable=False),
    Column("password_hash", String(200)),  # none for an account that signs in through the city's provider
    Column("network_admin", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True)),
    Column("disabled_at", DateTime(timezone=True)),
    # only stands for a respondent of a round brought in from a file: never signs in, never a member
    Column("stands_in", Boolean, nullable=False, server_default=text("false")),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="RESTRICT"), nullable=False),
    Column("city_id", Integer, ForeignKey("cities.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("account_id", "city_id", name="one_role_per_city"),
    CheckConstraint("role IN ('viewer', 'editor', 'coordinator')", name="membership_role"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the opaque token the browser holds
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("ended_why", String(32)),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subject", String(300), nullable=False, index=True),  # "account:<email>" or "address:<ip>"
    Column("at", DateTime(timezone=True), nullable=False),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the one-time link's token
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="RESTRICT"), nullable=False),
    Column("city_id", Integer, ForeignKey("cities.id", ondelete="RESTRICT"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    CheckConstraint("role IN ('viewer', 'editor', 'coordinator')", name="invitation_role"),
)

# -- workshop rounds (storage/rounds.py) -----------------------------------------------------------

rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("themes", JSON, nullable=False),  # theme ids; empty: every theme
    Column("blind", Boolean, nullable=False),
    Column("names_shown", Boolean, nullable=False),
    Column("opened_by", String(120), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_by", String(120)),
    Column("closed_at", DateTime(timezone=True)),
    # a member of the city who may close the round and record its consensus, besides its coordinators
    Column(
        "facilitator_id", Integer, ForeignKey("accounts.id", ondelete="RESTRICT", name="rounds_facilitator_id_fkey")
    ),
    UniqueConstraint("assessment_id", "number", name="one_number_per_round"),
)

round_invitations = Table(
    "round_invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of a guest's one-time link's token
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="RESTRICT"), nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

round_participants = Table(
    "round_participants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="RESTRICT"), nullable=False),
    Column("position", Integer, nullable=False),  # "Respondent 2" where names are not shown
    Column("group_label", String(80)),  # a department or partner organisation, for the spread by group
    Column("guest", Boolean, nullable=False),
    UniqueConstraint("round_id", "account_id", name="one_place_per_round"),
)

round_answers = Table(
    "round_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="RESTRICT"), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("level", Integer),
    Column("note", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("round_id", "account_id", "question_id", name="one_round_answer_per_question"),
    CheckConstraint("status IN ('level', 'dont_know', 'not_my_area')", name="round_answer_status"),
    CheckConstraint(
        "(status = 'level' AND level >= 0 AND level <= 4) OR (status <> 'level' AND level IS NULL)",
        name="round_answer_level",
    ),
)

round_decisions = Table(
    "round_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("question_id", String(64), nullable=False),
    Column("answer", JSON, nullable=False),  # the consensus answer as saved into the assessment
    Column("rationale", Text, nullable=False),
    Column("dissents", JSON, nullable=False),  # [{"holder": ..., "level": ..., "note": ...}]
    Column("decided_by", String(120), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("round_id", "question_id", name="one_decision_per_question"),
)

# -- the action plan (storage/actions.py) ----------------------------------------------------------

actions = Table(
    "actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("city_id", Integer, ForeignKey("cities.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("title", String(120), nullable=False),
    Column("description", Text, nullable=False),
    Column("themes", JSON, nullable=False),  # theme ids addressed as a whole
    Column("owner_account_id", Integer, ForeignKey("accounts.id", ondelete="RESTRICT")),
    Column("owner_partner", String(120), nullable=False),
    Column("start_on", Date),
    Column("due_on", Date),
    Column("status", String(16), nullable=False),
    Column("dropped_reason", Text, nullable=False),
    Column("done_on", Date),
    Column("priority", String(8), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("money_planned", Float),
    Column("money_actual", Float),
    Column("staff_days_planned", Float),
    Column("staff_days_actual", Float),
    Column("source", String(120), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name="action_status"),
    CheckConstraint("priority IN ('high', 'medium', 'low')", name="action_priority"),
)

action_targets = Table(
    "action_targets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("question_id", String(64), nullable=False),
    Column("target_level", Integer),
    UniqueConstraint("action_id", "question_id", name="one_target_per_question"),
    CheckConstraint("target_level IS NULL OR (target_level >= 0 AND target_level <= 4)", name="action_target_level"),
)

action_updates = Table(
    "action_updates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(120), nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(16), nullable=False),
)
