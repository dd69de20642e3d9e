"""What the migrations that change the notification kinds share (0006, 0009, 0012, 0013_handover,
0013_answers): the kinds' CHECK constraint on both tables that store a kind, and, once deliveries
exist (0009), keeping the delivery rows through SQLite's table rebuild.

Imported by those migrations as ``migrations.notification_kinds`` (alembic.ini puts the project
folder on sys.path). Like a migration, it describes history: change it and every migration
that uses it changes too.
"""

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from alembic import op

KIND_TABLES = ("notifications", "notification_opt_outs")

#: The kinds after each migration that changed them (a migration's downgrade goes back to the
#: list before it). A new kind is a new list here, after the last.
KINDS_0005 = ("reminder_draft", "reminder_approval", "reminder_signature", "reminder_due", "escalation", "weekly_digest")
KINDS_0006 = (*KINDS_0005, "tk_new_case", "tk_update")
KINDS_0009 = (
    *KINDS_0006,
    "case_assigned", "approval_requested", "changes_requested", "letter_to_sign", "letter_withdrawn", "letter_signed",
    "letter_sent", "postponement_sent", "daily_summary",
)
KINDS_0012 = (*KINDS_0009, "contribution_asked", "contribution_delivered", "contribution_overdue")
KINDS_0013_HANDOVER = (*KINDS_0012, "contribution_reminder", "contribution_escalation")
KINDS_0013_ANSWERS = (*KINDS_0013_HANDOVER, "standard_line_expiring")
KINDS_0013_WOO = (*KINDS_0013_ANSWERS, "woo_export_ready")


def set_kinds(values: Iterable[str]) -> None:
    """The CHECK constraint of the string enum column (named ck_<table>_notificationkind)."""
    for table in KIND_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_notificationkind"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_notificationkind"), sa.column("kind").in_(values))


def keeping_deliveries(change: Callable[[], None]) -> None:
    """On SQLite the batch rebuild drops "notifications", which cascades to the delivery rows
    pointing at it: they are kept aside and put back (same ids) after the rebuild."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(sa.text("CREATE TABLE _kept_deliveries AS SELECT * FROM notification_deliveries"))
    change()
    if sqlite:
        op.execute(sa.text("DELETE FROM notification_deliveries"))
        op.execute(sa.text("INSERT INTO notification_deliveries SELECT * FROM _kept_deliveries"))
        op.execute(sa.text("DROP TABLE _kept_deliveries"))


def change_kinds(values: Iterable[str]) -> None:
    """``set_kinds`` once the deliveries exist (after 0009)."""
    keeping_deliveries(lambda: set_kinds(values))


def drop_notifications_of(kinds: Iterable[str]) -> None:
    """Before a downgrade takes kinds away: the notifications and opt-outs of those kinds go."""
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    for table in KIND_TABLES:
        op.execute(sa.text(f"DELETE FROM {table} WHERE kind IN ({listed})"))
