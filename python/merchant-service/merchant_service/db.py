"""The database: one engine for SQLite or PostgreSQL, the migrations, and transactions.

The same SQL runs on both (text ids, BIGINT unix seconds, `ON CONFLICT DO NOTHING`). What
differs is how a transaction holds an order while it decides: PostgreSQL locks the row
(`SELECT … FOR UPDATE`), SQLite takes the database's write lock at `BEGIN IMMEDIATE`.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import Connection, Engine, create_engine, event, text

# Each migration runs once, in order, in one transaction with its version row.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE orders (
        order_id TEXT PRIMARY KEY,
        amount_fen BIGINT NOT NULL,
        token TEXT NOT NULL,
        state TEXT NOT NULL,
        query_id TEXT,
        resp_code TEXT,
        settle_date TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
    );
    CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        refund_id TEXT,
        request TEXT NOT NULL,
        status TEXT NOT NULL,
        next_query TEXT,
        query_at BIGINT,
        attempts INTEGER NOT NULL DEFAULT 0,
        outcome TEXT,
        resp_code TEXT,
        query_id TEXT,
        settle_date TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
    );
    CREATE INDEX requests_by_status ON requests (status, query_at);
    CREATE INDEX requests_by_order ON requests (order_id);
    CREATE TABLE refunds (
        refund_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        amount_fen BIGINT NOT NULL,
        state TEXT NOT NULL,
        query_id TEXT,
        created_at BIGINT NOT NULL
    );
    CREATE INDEX refunds_by_order ON refunds (order_id);
    CREATE TABLE notifications (
        order_id TEXT NOT NULL,
        txn_type TEXT NOT NULL,
        query_id TEXT NOT NULL,
        resp_code TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (order_id, txn_type, query_id)
    );
    CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value BIGINT NOT NULL
    );
    CREATE TABLE reports (
        settle_date TEXT PRIMARY KEY,
        report TEXT NOT NULL,
        clean BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL
    );
    """,
]


def connect(url: str) -> Engine:
    """The engine for `url` (`sqlite:///file.db` or `postgresql://…`), migrated."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
        engine = create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True)
    elif url.startswith("sqlite:"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                               pool_size=20, max_overflow=20)
        _serialise_sqlite_writers(engine)
    else:
        raise SystemExit(f"merchant-service: DATABASE_URL must be sqlite:/// or postgresql:// (got {url.split(':')[0]})")
    migrate(engine)
    return engine


def _serialise_sqlite_writers(engine: Engine) -> None:
    """pysqlite's own transaction handling begins lazily (a reader may not upgrade to a
    writer later); every transaction here begins IMMEDIATE instead, holding the write
    lock from its first statement, so read-decide-write cannot interleave."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=FULL")
        dbapi_connection.execute("PRAGMA busy_timeout=60000")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)"))
    for version, script in enumerate(MIGRATIONS, start=1):
        with engine.begin() as conn:
            if is_postgres(conn):  # two processes starting at once migrate one after the other
                conn.execute(text("LOCK TABLE schema_migrations IN EXCLUSIVE MODE"))
            done = conn.execute(text("SELECT 1 FROM schema_migrations WHERE version = :v"), {"v": version}).first()
            if done:
                continue
            for statement in (s.strip() for s in script.split(";")):
                if statement:
                    conn.execute(text(statement))
            conn.execute(text("INSERT INTO schema_migrations (version) VALUES (:v)"), {"v": version})


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    with engine.begin() as conn:
        yield conn


def for_update(conn: Connection) -> str:
    """The clause that locks the rows a SELECT reads until the transaction ends."""
    return " FOR UPDATE" if is_postgres(conn) else ""
