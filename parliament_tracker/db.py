"""Declarative base, naming convention, UTC timestamps and small column helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now_utc() -> dt.datetime:
    """The current instant, timezone-aware in UTC. The only clock the code reads."""
    return dt.datetime.now(dt.UTC)


def rowcount(result: sa.Result[Any]) -> int:
    """Rows matched by an UPDATE or DELETE. ``Session.execute`` is typed as returning a plain
    ``Result``, but for DML it returns a ``CursorResult``, which has ``rowcount``."""
    return cast("sa.CursorResult[Any]", result).rowcount


def today_local() -> dt.date:
    """Today's date in The Hague: deadlines are Dutch calendar days."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(dt.UTC).astimezone(ZoneInfo("Europe/Amsterdam")).date()


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use now_utc() or an aware value")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    # The registry carries the metadata and type map (Flask-SQLAlchemy subclasses the base,
    # and SQLAlchemy refuses a per-class type_annotation_map next to an inherited registry).
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime(), dict[str, Any]: sa.JSON()},
    )

    def __repr__(self) -> str:
        pk = ", ".join(f"{c.key}={getattr(self, c.key or '', None)!r}" for c in self.__mapper__.primary_key)
        return f"<{type(self).__name__} {pk}>"


intpk = Annotated[int, mapped_column(primary_key=True)]
created_at_now = Annotated[dt.datetime, mapped_column(default=now_utc, nullable=False)]


def enum_column(enum_cls: type, **kwargs: Any) -> Any:
    """A string-valued enum column with a named CHECK constraint (portable across dialects)."""
    return mapped_column(
        sa.Enum(
            enum_cls,
            native_enum=False,
            create_constraint=True,
            length=32,
            values_callable=lambda e: [m.value for m in e],
            name=enum_cls.__name__.lower(),
            validate_strings=True,
        ),
        **kwargs,
    )


@sa.event.listens_for(Base.metadata, "before_create")
def _postgresql_extensions(target: sa.MetaData, connection: sa.Connection, **_kw: Any) -> None:
    """create_all (tests) needs pg_trgm for the search index; migrations create it too."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def exists_on(dialect_name: str, *, unmanaged_table: Callable[[str | None], bool] = lambda _name: False):
    """An Alembic ``include_object`` that skips objects created only on another dialect
    (``Index(...).ddl_if(dialect=...)``), so autogenerate and schema checks agree with create_all,
    and tables no model maps (``unmanaged_table``: the search index's FTS5 shadow tables,
    ``cases.search_index.is_shadow_table``, which the caller passes)."""

    def include_object(obj: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any) -> bool:
        if type_ == "table" and unmanaged_table(name):
            return False
        ddl_if = getattr(obj, "_ddl_if", None)
        return ddl_if is None or ddl_if.dialect in (None, dialect_name)

    return include_object


def refresh_statistics(session: Any) -> dict[str, Any]:
    """Refresh the query planner's statistics (ANALYZE) for every table.

    SQLite keeps none unless asked: without them it guesses, and on a register of 100,000
    cases it chose plans two to three times slower for the calendar and dashboard
    (bench/bench_deadlines.py). PostgreSQL's autovacuum analyses on its own; running it here
    as well costs a second and keeps both databases alike. A scheduled job (``db_statistics``).
    """
    session.execute(sa.text("ANALYZE"))
    # The tables through the session's own connection: a second connection would wait for
    # this transaction's write lock on SQLite (every job begins IMMEDIATE) and time out.
    connection = session.connection()
    return {"database": connection.dialect.name, "tables": len(sa.inspect(connection).get_table_names())}


class unindexed(sa.sql.expression.ColumnElement[Any]):
    """``column`` in a condition the SQLite planner must not serve from an index (``+column``);
    the column itself on other databases.

    SQLite's IN-scan (``OP_SeekScan``, chosen only once ANALYZE has written statistics) walks
    from one IN value's rows to the next and, in SQLite 3.40, returns the first row it lands
    on without checking the range on the index's next column: ``status IN (open) AND
    received_on < ?`` over an index on (directorate, kind, status, received_on) listed a
    question received after the bound. Written ``+status IN (...)``, the IN is a filter and
    cannot take that path; it also keeps the planner from starting at the wrong index where
    a range of dates should lead (the former ``column + 0``).
    """

    inherit_cache = True
    _traverse_internals = [("column", sa.sql.visitors.InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))
