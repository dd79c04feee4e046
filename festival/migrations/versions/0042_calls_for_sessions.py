"""proposals: calls for sessions, proposals, their review and the speakers' own pages

`session_calls` (with their formats, rubric criteria and reviewers), `session_proposals`
(with their speakers, preferred slots, history and reviews), the speakers' availability and
the changes they make to their page, waiting for approval; `speakers.links`.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07 18:50:07.329857

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "session_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.DateTime(), nullable=False),
        sa.Column("closes_at", sa.DateTime(), nullable=False),
        sa.Column("guidelines", sa.Text(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("poles", sa.JSON(), nullable=False),
        sa.Column("is_open_to_accounts", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_anonymised", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("translations", sa.JSON(), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "closes_at > opens_at", name=op.f("ck_session_calls_closes_after_opening")
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_session_calls_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_calls")),
        sa.UniqueConstraint("edition_id", name=op.f("uq_session_calls_edition_id")),
    )
    op.create_table(
        "session_call_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("translations", sa.JSON(), server_default="{}", nullable=False),
        sa.CheckConstraint(
            "max_score BETWEEN 1 AND 10", name=op.f("ck_session_call_criteria_scale_bounds")
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["session_calls.id"],
            name=op.f("fk_session_call_criteria_call_id_session_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_call_criteria")),
    )
    with op.batch_alter_table("session_call_criteria", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_call_criteria_call_id"), ["call_id"], unique=False
        )

    op.create_table(
        "session_call_formats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "conference",
                "round_table",
                "workshop",
                "concert",
                "screening",
                "other",
                name="session_kind",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("translations", sa.JSON(), server_default="{}", nullable=False),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 840",
            name=op.f("ck_session_call_formats_duration_bounds"),
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["session_calls.id"],
            name=op.f("fk_session_call_formats_call_id_session_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_call_formats")),
    )
    with op.batch_alter_table("session_call_formats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_call_formats_call_id"), ["call_id"], unique=False
        )

    op.create_table(
        "session_call_reviewers",
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["session_calls.id"],
            name=op.f("fk_session_call_reviewers_call_id_session_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_session_call_reviewers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("call_id", "user_id", name=op.f("pk_session_call_reviewers")),
    )
    with op.batch_alter_table("session_call_reviewers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_call_reviewers_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "session_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("format_id", sa.Integer(), nullable=True),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column("mail_language", sa.String(length=5), nullable=False),
        sa.Column("title", sa.String(length=250), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column(
            "language",
            sa.Enum("fr", "ar", "tzm", "en", name="session_language", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column(
            "pole",
            sa.Enum(
                "mre",
                "general_activities",
                "communication_projects",
                "popular_education",
                name="pole",
                native_enum=False,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("audience", sa.Integer(), nullable=True),
        sa.Column("needs_projector", sa.Boolean(), nullable=False),
        sa.Column("needs_interpreter", sa.Boolean(), nullable=False),
        sa.Column("other_needs", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "under_review",
                "accepted",
                "declined",
                "withdrawn",
                name="proposal_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_session_proposals_association_id_associations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["session_calls.id"],
            name=op.f("fk_session_proposals_call_id_session_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["format_id"],
            ["session_call_formats.id"],
            name=op.f("fk_session_proposals_format_id_session_call_formats"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposer_id"],
            ["users.id"],
            name=op.f("fk_session_proposals_proposer_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_sessions.id"],
            name=op.f("fk_session_proposals_session_id_programme_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_proposals")),
    )
    with op.batch_alter_table("session_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_proposals_association_id"), ["association_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_session_proposals_call_id"), ["call_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_session_proposals_proposer_id"), ["proposer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_session_proposals_status"), ["status"], unique=False)

    op.create_table(
        "proposal_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "submitted",
                "under_review",
                "accepted",
                "declined",
                "withdrawn",
                name="proposal_status",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "submitted",
                "under_review",
                "accepted",
                "declined",
                "withdrawn",
                name="proposal_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_proposal_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["session_proposals.id"],
            name=op.f("fk_proposal_events_proposal_id_session_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_events")),
    )
    with op.batch_alter_table("proposal_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_events_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "proposal_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["session_proposals.id"],
            name=op.f("fk_proposal_reviews_proposal_id_session_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_proposal_reviews_reviewer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_reviews")),
        sa.UniqueConstraint(
            "proposal_id", "reviewer_id", name=op.f("uq_proposal_reviews_proposal_id_reviewer_id")
        ),
    )
    with op.batch_alter_table("proposal_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_reviews_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "proposal_slots",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "part",
            sa.Enum(
                "morning", "afternoon", "evening", name="day_part", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["session_proposals.id"],
            name=op.f("fk_proposal_slots_proposal_id_session_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "day", "part", name=op.f("pk_proposal_slots")),
    )
    op.create_table(
        "proposal_speakers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("link_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("availability_confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["session_proposals.id"],
            name=op.f("fk_proposal_speakers_proposal_id_session_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["speaker_id"],
            ["speakers.id"],
            name=op.f("fk_proposal_speakers_speaker_id_speakers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_speakers")),
    )
    with op.batch_alter_table("proposal_speakers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_speakers_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_speakers_speaker_id"), ["speaker_id"], unique=False
        )

    op.create_table(
        "speaker_availability",
        sa.Column("proposal_speaker_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "part",
            sa.Enum(
                "morning", "afternoon", "evening", name="day_part", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["proposal_speaker_id"],
            ["proposal_speakers.id"],
            name=op.f("fk_speaker_availability_proposal_speaker_id_proposal_speakers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "proposal_speaker_id", "day", "part", name=op.f("pk_speaker_availability")
        ),
    )
    op.create_table(
        "speaker_profile_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column("proposal_speaker_id", sa.Integer(), nullable=True),
        sa.Column("bio", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("photo_filename", sa.String(length=100), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="profile_change_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_speaker_profile_changes_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_speaker_id"],
            ["proposal_speakers.id"],
            name=op.f("fk_speaker_profile_changes_proposal_speaker_id_proposal_speakers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["speaker_id"],
            ["speakers.id"],
            name=op.f("fk_speaker_profile_changes_speaker_id_speakers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speaker_profile_changes")),
    )
    with op.batch_alter_table("speaker_profile_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_speaker_profile_changes_speaker_id"), ["speaker_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_speaker_profile_changes_status"), ["status"], unique=False
        )

    with op.batch_alter_table("speakers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("links", sa.JSON(), server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("speakers", schema=None) as batch_op:
        batch_op.drop_column("links")

    with op.batch_alter_table("speaker_profile_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_speaker_profile_changes_status"))
        batch_op.drop_index(batch_op.f("ix_speaker_profile_changes_speaker_id"))

    op.drop_table("speaker_profile_changes")
    op.drop_table("speaker_availability")
    with op.batch_alter_table("proposal_speakers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_speakers_speaker_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_speakers_proposal_id"))

    op.drop_table("proposal_speakers")
    op.drop_table("proposal_slots")
    with op.batch_alter_table("proposal_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_reviews_proposal_id"))

    op.drop_table("proposal_reviews")
    with op.batch_alter_table("proposal_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_events_proposal_id"))

    op.drop_table("proposal_events")
    with op.batch_alter_table("session_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_proposals_status"))
        batch_op.drop_index(batch_op.f("ix_session_proposals_proposer_id"))
        batch_op.drop_index(batch_op.f("ix_session_proposals_call_id"))
        batch_op.drop_index(batch_op.f("ix_session_proposals_association_id"))

    op.drop_table("session_proposals")
    with op.batch_alter_table("session_call_reviewers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_call_reviewers_user_id"))

    op.drop_table("session_call_reviewers")
    with op.batch_alter_table("session_call_formats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_call_formats_call_id"))

    op.drop_table("session_call_formats")
    with op.batch_alter_table("session_call_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_call_criteria_call_id"))

    op.drop_table("session_call_criteria")
    op.drop_table("session_calls")
