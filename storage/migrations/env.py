"""Alembic's environment for Hearth.

`storage.migrate.upgrade` hands over an open connection, already holding the lock that keeps concurrent
upgrades apart. From the command line (for writing migrations) pass the database with
`alembic -c storage/alembic.ini -x url=sqlite:///dev.db upgrade head` (or `revision --autogenerate`).
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from storage.database import create_migration_engine, sync_url
from storage.tables import is_model_object, metadata

if context.config.config_file_name is not None:
    # Run from the command line: log what Alembic does, as configured in storage/alembic.ini.
    fileConfig(context.config.config_file_name)


def run_over(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite alters most things only by copying the table; batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=is_model_object,  # the library's search index is no model
    )
    with context.begin_transaction():
        context.run_migrations()


def _command_line_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("Name the database: alembic -c storage/alembic.ini -x url=sqlite:///hearth.db …")
    return url


def run_offline() -> None:
    url = sync_url(_command_line_url())
    context.configure(
        url=url,
        target_metadata=metadata,
        render_as_batch=url.startswith("sqlite"),
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_over(connection)
        return
    engine = create_migration_engine(_command_line_url())
    try:
        with engine.begin() as own_connection:
            run_over(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
