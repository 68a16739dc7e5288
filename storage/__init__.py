"""Hearth's storage: SQLModel tables, repositories, the unit of work and the migrations.

It implements the core's ports (`bot.ports`); nothing outside `storage/` sees a table row.
"""

from storage.database import create_engine_for, sync_url
from storage.migrate import current_revision, upgrade
from storage.unit_of_work import SqlUnitOfWork, SqlUnitOfWorkFactory

__all__ = [
    "SqlUnitOfWork",
    "SqlUnitOfWorkFactory",
    "create_engine_for",
    "current_revision",
    "sync_url",
    "upgrade",
]
