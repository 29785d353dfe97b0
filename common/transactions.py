"""A consistent read over several queries that does not hold up writers."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def consistent_read() -> Iterator[None]:
    """Every query inside sees the database as it was at the first one, and nobody waits for it.

    The project's SQLite transactions are IMMEDIATE (they take the write lock at BEGIN, which
    keeps capacity checks safe), so a plain `atomic()` around a long export would stop every
    scan and sign-up until it ends. A DEFERRED transaction in WAL mode reads a snapshot and
    takes no lock. On PostgreSQL, REPEATABLE READ gives one snapshot for all statements (READ
    COMMITTED, the default, takes a new one per statement). Nothing may be written inside.
    Within an outer transaction the outer one decides, and this only opens a savepoint.
    """
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        mode = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"
        try:
            with transaction.atomic():
                connection.transaction_mode = mode
                yield
        finally:
            connection.transaction_mode = mode
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield
