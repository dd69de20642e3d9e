"""notifications have channels: deliveries apart from notifications, opt-outs per channel,
e-mail rhythm per user, hand-over notification kinds

Moves every stored e-mail (address, attempts, claim, sent, error) into a delivery row of the
``email`` channel; an opt-out of a kind becomes an opt-out on the app and on e-mail.

Revision ID: 0009_notify
Revises: 0010_harden
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from migrations.notification_kinds import KINDS_0006, KINDS_0009, set_kinds

import parliament_tracker.db

revision = "0009_notify"
down_revision = "0010_harden"
branch_labels = None
depends_on = None

OLD_KINDS = KINDS_0006
NEW_KINDS = KINDS_0009
def upgrade():
    set_kinds(NEW_KINDS)
    # Kept aside first: on SQLite the batch rebuild of "notifications" drops the old table,
    # which would cascade to rows already pointing at it.
    op.execute(
        sa.text(
            "CREATE TABLE _moved_emails AS SELECT id, email, created_at, sent_at, claimed_until, attempts, last_error"
            " FROM notifications WHERE email IS NOT NULL"
        )
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("in_app", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.drop_index("ix_notifications_sent_at_id")
        batch_op.drop_constraint(op.f("ck_notifications_attempts_not_negative"), type_="check")
        batch_op.drop_column("email")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("attempts")
        batch_op.drop_column("last_error")
    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=True),
        sa.Column("created_at", parliament_tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", parliament_tracker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", parliament_tracker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_notification_deliveries_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["notification_id"], ["notifications.id"],
            name=op.f("fk_notification_deliveries_notification_id_notifications"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["summary_id"], ["notifications.id"],
            name=op.f("fk_notification_deliveries_summary_id_notifications"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_deliveries")),
        sa.UniqueConstraint("notification_id", "channel", name="uq_notification_deliveries_notification_id_channel"),
    )
    with op.batch_alter_table("notification_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_notification_deliveries_channel_sent_at_id", ["channel", "sent_at", "id"], unique=False)
    op.execute(
        sa.text(
            "INSERT INTO notification_deliveries"
            " (notification_id, channel, address, held, created_at, sent_at, claimed_until, attempts, last_error)"
            " SELECT id, 'email', email, :no, created_at, sent_at, claimed_until, attempts, last_error"
            " FROM _moved_emails"
        ).bindparams(no=False)
    )
    op.execute(sa.text("DROP TABLE _moved_emails"))
    # A mailbox's row was never in anyone's list; say so.
    op.execute(sa.text("UPDATE notifications SET in_app = :no WHERE user_id IS NULL").bindparams(no=False))

    with op.batch_alter_table("notification_opt_outs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=32), nullable=False, server_default="email"))
        batch_op.drop_constraint("uq_notification_opt_outs_user_id_kind", type_="unique")
        batch_op.create_unique_constraint("uq_notification_opt_outs_user_id_kind_channel", ["user_id", "kind", "channel"])
    op.execute(
        sa.text(
            "INSERT INTO notification_opt_outs (user_id, kind, channel, created_at)"
            " SELECT user_id, kind, 'app', created_at FROM notification_opt_outs WHERE channel = 'email'"
        )
    )
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "email_mode",
            sa.Enum("immediate", "daily", name="emailmode", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notification_settings_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )


def downgrade():
    op.drop_table("notification_settings")
    op.execute(sa.text("DELETE FROM notification_opt_outs WHERE channel <> 'email'"))
    with op.batch_alter_table("notification_opt_outs", schema=None) as batch_op:
        batch_op.drop_constraint("uq_notification_opt_outs_user_id_kind_channel", type_="unique")
        batch_op.create_unique_constraint("uq_notification_opt_outs_user_id_kind", ["user_id", "kind"])
        batch_op.drop_column("channel")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("sent_at", parliament_tracker.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", parliament_tracker.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE notifications SET email = d.address, sent_at = d.sent_at, claimed_until = d.claimed_until,"
            " attempts = d.attempts, last_error = d.last_error"
            " FROM notification_deliveries AS d WHERE d.notification_id = notifications.id AND d.channel = 'email'"
        )
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_notifications_attempts_not_negative"), sa.column("attempts") >= 0)
        batch_op.create_index("ix_notifications_sent_at_id", ["sent_at", "id"], unique=False)
        batch_op.drop_column("in_app")
        batch_op.drop_column("url")
    op.drop_table("notification_deliveries")
    op.execute(sa.text(f"DELETE FROM notifications WHERE kind NOT IN ({', '.join(repr(k) for k in OLD_KINDS)})"))
    op.execute(sa.text(f"DELETE FROM notification_opt_outs WHERE kind NOT IN ({', '.join(repr(k) for k in OLD_KINDS)})"))
    set_kinds(OLD_KINDS)
