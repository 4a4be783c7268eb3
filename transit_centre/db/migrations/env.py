"""Alembic environment: the engine comes from the application (``migrate.alembic_config``)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import transit_centre.db.models  # noqa: F401  (registers every table)
from transit_centre.db.base import Base

from transit_centre.db.base import StrEnum, UTCDateTime
from transit_centre.db.search_index import include_name

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Write the application's column types as plain SQLAlchemy types, so a migration never
    depends on code that may change later."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, StrEnum):
        return f"sa.String(length={obj.impl.length})"
    return False


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
        engine = create_engine(url)
    with engine.connect() as connection:
        is_sqlite = connection.dialect.name == "sqlite"
        if is_sqlite:
            # Table rebuilds in batch migrations need foreign keys off; the pragma only works
            # outside a transaction, so send it on the raw connection before Alembic begins.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=is_sqlite,
            compare_type=True,
            render_item=render_item,
            include_name=include_name,  # the search index is made by db.search_index, not the models
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if is_sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run them against a database.")
run_migrations_online()
