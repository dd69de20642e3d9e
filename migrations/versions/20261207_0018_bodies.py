"""notifications: message bodies stored once in notification_bodies (by the SHA-256 of text and
HTML), referenced by notifications.body_id; the recipient's name, which a shared rendering marks,
in notifications.recipient_name (filled in when read). A weekly digest to 22,000 directors wrote
~1 GB of copies of a dozen bodies.

Existing bodies move over as they are (their names already in them; identical bodies stored once).
The downgrade puts each notification's body back, its name filled in.

Revision ID: 0018_bodies
Revises: 0017_dashidx2
Create Date: 2026-12-07

"""
import hashlib

import sqlalchemy as sa
from alembic import op
from markupsafe import escape

revision = "0018_bodies"
down_revision = "0017_dashidx2"
branch_labels = None
depends_on = None

# This revision's own copies (the models may change later).
NAME_MARK = "Xq7RecipientNameMark7qX"
HAS_LZ4 = "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
CHUNK = 1000

notifications = sa.table(
    "notifications",
    sa.column("id", sa.Integer),
    sa.column("body_text", sa.Text),
    sa.column("body_html", sa.Text),
    sa.column("body_id", sa.Integer),
    sa.column("recipient_name", sa.String),
)
bodies = sa.table(
    "notification_bodies",
    sa.column("id", sa.Integer),
    sa.column("sha256", sa.String),
    sa.column("text", sa.Text),
    sa.column("html", sa.Text),
)


def _lz4(bind: sa.Connection) -> bool:
    return bind.dialect.name == "postgresql" and bind.execute(sa.text(HAS_LZ4)).first() is not None


def _rebuild(bind: sa.Connection, change) -> None:
    """Alter "notifications" by ``change(batch)``. On SQLite the batch rebuild drops the old table,
    which would cascade to its deliveries (foreign keys are on): they are kept aside and put back."""
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMP TABLE _kept_deliveries AS SELECT * FROM notification_deliveries")
    with op.batch_alter_table("notifications") as batch:
        change(batch)
    if sqlite:
        op.execute("DELETE FROM notification_deliveries")
        op.execute("INSERT INTO notification_deliveries SELECT * FROM _kept_deliveries")
        op.execute("DROP TABLE _kept_deliveries")


def _chunks(bind, query):
    """The notifications ``query`` selects, CHUNK at a time in id order (keyset: each chunk after the last id)."""
    last = 0
    while True:
        rows = bind.execute(query.where(notifications.c.id > last).order_by(notifications.c.id).limit(CHUNK)).all()
        if not rows:
            return
        last = rows[-1].id
        yield rows


def upgrade():
    bind = op.get_bind()
    op.create_table(
        "notification_bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notification_bodies"),
        sa.UniqueConstraint("sha256", name="uq_notification_bodies_sha256"),
    )
    if _lz4(bind):
        op.execute("ALTER TABLE notification_bodies ALTER COLUMN text SET COMPRESSION lz4, ALTER COLUMN html SET COMPRESSION lz4")
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recipient_name", sa.String(length=300), nullable=False, server_default=""))

    # Chunks by id, each body hashed in Python (both databases), stored once per hash.
    known: dict[str, int] = {}
    for rows in _chunks(bind, sa.select(notifications.c.id, notifications.c.body_text, notifications.c.body_html)):
        updates = []
        for row in rows:
            text, html = row.body_text or "", row.body_html or ""
            digest = hashlib.sha256(text.encode() + b"\0" + html.encode()).hexdigest()
            if digest not in known:
                known[digest] = bind.execute(
                    sa.insert(bodies).values(sha256=digest, text=text, html=html).returning(bodies.c.id)
                ).scalar_one()
            updates.append({"nid": row.id, "bid": known[digest]})
        bind.execute(
            sa.update(notifications).where(notifications.c.id == sa.bindparam("nid")).values(body_id=sa.bindparam("bid")),
            updates,
        )

    def change(batch) -> None:
        batch.alter_column("body_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("recipient_name", existing_type=sa.String(length=300), server_default=None)
        batch.create_foreign_key("fk_notifications_body_id_notification_bodies", "notification_bodies", ["body_id"], ["id"])
        batch.create_index("ix_notifications_body_id", ["body_id"])
        batch.drop_column("body_text")
        batch.drop_column("body_html")

    _rebuild(bind, change)


def downgrade():
    bind = op.get_bind()
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("body_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("body_html", sa.Text(), nullable=True))
    if _lz4(bind):
        op.execute("ALTER TABLE notifications ALTER COLUMN body_text SET COMPRESSION lz4, ALTER COLUMN body_html SET COMPRESSION lz4")
    # Each notification's own copy again, its name filled in (escaped in the HTML, as when read).
    for rows in _chunks(
        bind,
        sa.select(notifications.c.id, notifications.c.recipient_name, bodies.c.text, bodies.c.html).join(
            bodies, bodies.c.id == notifications.c.body_id
        ),
    ):
        bind.execute(
            sa.update(notifications)
            .where(notifications.c.id == sa.bindparam("nid"))
            .values(body_text=sa.bindparam("t"), body_html=sa.bindparam("h")),
            [
                {
                    "nid": r.id,
                    "t": r.text.replace(NAME_MARK, r.recipient_name),
                    "h": r.html.replace(NAME_MARK, str(escape(r.recipient_name))),
                }
                for r in rows
            ],
        )

    def change(batch) -> None:
        batch.alter_column("body_text", existing_type=sa.Text(), nullable=False)
        batch.alter_column("body_html", existing_type=sa.Text(), nullable=False)
        batch.drop_index("ix_notifications_body_id")
        batch.drop_constraint("fk_notifications_body_id_notification_bodies", type_="foreignkey")
        batch.drop_column("body_id")
        batch.drop_column("recipient_name")

    _rebuild(bind, change)
    op.drop_table("notification_bodies")
