"""records: Woo files of a search, retention rules, legal holds, destruction lists, destroyed
records; the archivist role and the "Woo file ready" notification kind

Revision ID: 0013_woo
Revises: 0012_contrib
Create Date: 2026-12-07

"""
import re

import sqlalchemy as sa
from alembic import op

from migrations.notification_kinds import KINDS_0013_ANSWERS, KINDS_0013_WOO, KIND_TABLES

import parliament_tracker.db

revision = "0013_woo"
down_revision = "0013_oidc"
branch_labels = None
depends_on = None

OLD_ROLES = ("registrar", "drafter", "director", "signatory_office", "admin", "viewer")
NEW_ROLES = (*OLD_ROLES, "archivist")
OLD_KINDS = KINDS_0013_ANSWERS
NEW_KINDS = KINDS_0013_WOO


def _checks(roles, kinds):
    """The CHECK constraints of users.role and the notification kinds, with these values."""
    changes = [("users", "ck_users_role", "role", roles)]
    changes += [(table, f"ck_{table}_notificationkind", "kind", kinds) for table in KIND_TABLES]
    for table, name, column, values in changes:
        if op.get_bind().dialect.name == "sqlite":
            _sqlite_check(table, name, column, values)
        else:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_constraint(op.f(name), type_="check")
                batch_op.create_check_constraint(op.f(name), sa.column(column).in_(values))


def _sqlite_check(table, name, column, values):
    """SQLite: the CHECK is rewritten in the schema, as SQLite's ALTER TABLE documentation
    describes for changing a constraint that every stored row satisfies. A batch rebuild
    would DROP the table, and with foreign keys on that implicit DELETE cascades (users:
    API tokens, notifications, feeds) and leaves every other reference to users violated."""
    conn = op.get_bind()
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    listed = ", ".join(f"'{v}'" for v in values)
    changed, count = re.subn(rf"CONSTRAINT {name} CHECK \({column} IN \([^)]*\)\)",
                             f"CONSTRAINT {name} CHECK ({column} IN ({listed}))", sql)
    if count != 1:
        raise RuntimeError(f"constraint {name} not found in the schema of {table}")
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    conn.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (changed, table))
    conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    conn.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    _checks(NEW_ROLES, NEW_KINDS)
    op.create_table('destruction_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', parliament_tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_lists'))
    )
    op.create_table('destroyed_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('former_case_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Enum('written_questions', 'committee_request', 'commitment', 'motion', 'plenary_request', 'other', name='casekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('retention_years', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=True),
    sa.Column('approved_by', sa.String(length=200), nullable=False),
    sa.Column('approved_at', parliament_tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('destroyed_by', sa.String(length=200), nullable=False),
    sa.Column('destroyed_at', parliament_tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['destruction_lists.id'], name=op.f('fk_destroyed_records_list_id_destruction_lists'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destroyed_records'))
    )
    with op.batch_alter_table('destroyed_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destroyed_records_former_case_id'), ['former_case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_destroyed_records_reference'), ['reference'], unique=False)

    op.create_table('retention_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('written_questions', 'committee_request', 'commitment', 'motion', 'plenary_request', 'other', name='casekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('period_years', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('destroy', 'transfer', name='retentionoutcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', parliament_tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('period_years >= 0 AND period_years <= 200', name=op.f('ck_retention_rules_period_years_range')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_retention_rules_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_rules')),
    sa.UniqueConstraint('kind', name=op.f('uq_retention_rules_kind'))
    )
    op.create_table('woo_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', parliament_tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('link_depth', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'ready', 'failed', 'expired', name='wooexportstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('case_ids', sa.JSON(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.Column('finished_at', parliament_tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', parliament_tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('zip_sha256', sa.String(length=64), nullable=True),
    sa.Column('zip_size', sa.Integer(), nullable=True),
    sa.Column('zip_data', sa.LargeBinary(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_woo_exports_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_woo_exports'))
    )
    with op.batch_alter_table('woo_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_woo_exports_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index('ix_woo_exports_status_id', ['status', 'id'], unique=False)

    op.create_table('destruction_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Enum('written_questions', 'committee_request', 'commitment', 'motion', 'plenary_request', 'other', name='casekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('outcome', sa.Enum('destroy', 'transfer', name='retentionoutcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('expired_on', sa.Date(), nullable=False),
    sa.Column('decision', sa.Enum('proposed', 'approved', 'removed', 'destroyed', 'transferred', name='itemdecision', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', parliament_tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_destruction_items_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_destruction_items_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['list_id'], ['destruction_lists.id'], name=op.f('fk_destruction_items_list_id_destruction_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_items')),
    sa.UniqueConstraint('list_id', 'reference', name='uq_destruction_items_list_id_reference')
    )
    with op.batch_alter_table('destruction_items', schema=None) as batch_op:
        batch_op.create_index('ix_destruction_items_case_id_decision', ['case_id', 'decision'], unique=False)

    op.create_table('legal_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('woo_request', 'objection', 'other', name='holdreason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=True),
    sa.Column('placed_at', parliament_tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', parliament_tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_legal_holds_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_legal_holds_lifted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_legal_holds_placed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds'))
    )
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.create_index('ix_legal_holds_case_id_lifted_at', ['case_id', 'lifted_at'], unique=False)

    op.create_table('woo_export_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('export_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('row', sa.JSON(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['export_id'], ['woo_exports.id'], name=op.f('fk_woo_export_parts_export_id_woo_exports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_woo_export_parts')),
    sa.UniqueConstraint('export_id', 'key', name='uq_woo_export_parts_export_id_key'),
    sa.UniqueConstraint('export_id', 'number', name='uq_woo_export_parts_export_id_number')
    )


def downgrade():
    op.drop_table('woo_export_parts')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_index('ix_legal_holds_case_id_lifted_at')

    op.drop_table('legal_holds')
    with op.batch_alter_table('destruction_items', schema=None) as batch_op:
        batch_op.drop_index('ix_destruction_items_case_id_decision')

    op.drop_table('destruction_items')
    with op.batch_alter_table('woo_exports', schema=None) as batch_op:
        batch_op.drop_index('ix_woo_exports_status_id')
        batch_op.drop_index(batch_op.f('ix_woo_exports_requested_by_id'))

    op.drop_table('woo_exports')
    op.drop_table('retention_rules')
    with op.batch_alter_table('destroyed_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destroyed_records_reference'))
        batch_op.drop_index(batch_op.f('ix_destroyed_records_former_case_id'))

    op.drop_table('destroyed_records')
    op.drop_table('destruction_lists')
    op.execute(sa.text("UPDATE users SET role = 'viewer' WHERE role = 'archivist'"))
    for table in KIND_TABLES:
        op.execute(sa.text(f"DELETE FROM {table} WHERE kind = 'woo_export_ready'"))
    _checks(OLD_ROLES, OLD_KINDS)
