// The database: SQLite (better-sqlite3) or PostgreSQL (pg) behind one small interface, the
// migrations, and transactions. The same SQL runs on both: text ids, BIGINT unix seconds,
// `ON CONFLICT … DO NOTHING`, `?` placeholders (numbered for PostgreSQL here). What
// differs is how a transaction holds an order while it decides: PostgreSQL locks the row
// (`SELECT … FOR UPDATE`), SQLite takes the database's write lock at `BEGIN IMMEDIATE`.
import { AsyncLocalStorage } from 'node:async_hooks';

// Each migration runs once, in order, in one transaction with its version row.
export const MIGRATIONS = [
  `
  CREATE TABLE orders (
    order_id TEXT PRIMARY KEY,
    amount_fen BIGINT NOT NULL,
    token TEXT NOT NULL,
    state TEXT NOT NULL,
    query_id TEXT,
    resp_code TEXT,
    txn_time TEXT,
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
    resp_code TEXT,
    settle_date TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
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
  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX events_by_order ON events (order_id, seq);
  CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
  );
  CREATE TABLE reports (
    settle_date TEXT PRIMARY KEY,
    report TEXT NOT NULL,
    clean INTEGER NOT NULL,
    created_at BIGINT NOT NULL
  );
  INSERT INTO counters (name, value) VALUES ('notificationsReceived', 0), ('notificationsBooked', 0),
    ('duplicateNotifications', 0), ('requestsSent', 0), ('queriesSent', 0), ('recovered', 0)
  `,
];

/** Opens `url` (`sqlite:///file.db`, `sqlite://` for memory, or `postgresql://…`) and migrates it. */
export async function openDatabase(url) {
  let db;
  if (/^postgres(ql)?:\/\//.test(url)) db = await openPostgres(url);
  else if (url.startsWith('sqlite:')) db = await openSqlite(url);
  else throw new Error(`DATABASE_URL must be sqlite:///… or postgresql://… (got ${url.split(':')[0]}:)`);
  await migrate(db);
  return db;
}

async function migrate(db) {
  await db.tx(async (q) => {
    await q.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
  });
  for (const [i, script] of MIGRATIONS.entries()) {
    const version = i + 1;
    await db.tx(async (q) => {
      // Two processes starting at once migrate one after the other.
      if (db.kind === 'postgres') await q.run('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
      if (await q.get('SELECT version FROM schema_migrations WHERE version = ?', [version])) return;
      for (const statement of script.split(';').map((s) => s.trim())) {
        if (statement) await q.run(statement);
      }
      await q.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [
        version,
        Math.floor(Date.now() / 1000),
      ]);
    });
  }
}

// ---------------------------------------------------------------- SQLite

async function openSqlite(url) {
  const { default: Database } = await import('better-sqlite3');
  // SQLAlchemy's form: `sqlite:///relative.db`, `sqlite:////absolute/path.db`, `sqlite://` (memory).
  const file = url === 'sqlite://' ? ':memory:' : url.startsWith('sqlite:///') ? url.slice('sqlite:///'.length) : '';
  if (!file) throw new Error('DATABASE_URL: sqlite:///relative.db or sqlite:////absolute/path.db');
  const conn = new Database(file);
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = FULL'); // a commit is on disk before the request leaves
  conn.pragma('busy_timeout = 60000');
  conn.pragma('foreign_keys = ON');
  // One connection, one transaction at a time: a transaction's awaits must not let
  // another handler's statements into it, so transactions queue here.
  let tail = Promise.resolve();
  const inTx = new AsyncLocalStorage();
  const statements = new Map();
  const prepared = (sql) => {
    let s = statements.get(sql);
    if (!s) {
      s = conn.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const q = {
    async all(sql, params = []) {
      return prepared(sql).all(...params);
    },
    async get(sql, params = []) {
      return prepared(sql).get(...params) ?? null;
    },
    async run(sql, params = []) {
      const s = prepared(sql);
      if (!s.reader) return { changes: s.run(...params).changes };
      s.all(...params);
      return { changes: 0 };
    },
    // BEGIN IMMEDIATE already holds the database's write lock.
    forUpdate: '',
  };
  const exclusive = (fn) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
  return {
    kind: 'sqlite',
    async tx(fn) {
      if (inTx.getStore()) throw new Error('nested transaction');
      return exclusive(() =>
        inTx.run(true, async () => {
          conn.exec('BEGIN IMMEDIATE');
          try {
            const out = await fn(q);
            conn.exec('COMMIT');
            return out;
          } catch (e) {
            if (conn.inTransaction) conn.exec('ROLLBACK');
            throw e;
          }
        }),
      );
    },
    async close() {
      await tail;
      conn.close();
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL

async function openPostgres(url) {
  const { default: pg } = await import('pg');
  // BIGINT and COUNT come back as text by default; every number here fits a double.
  pg.types.setTypeParser(20, (v) => Number(v));
  pg.types.setTypeParser(1700, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  pool.on('error', () => {}); // an idle client's error: the next query reports it
  const numbered = new Map();
  const toPg = (sql) => {
    let out = numbered.get(sql);
    if (out === undefined) {
      let n = 0;
      out = sql.replace(/\?/g, () => `$${++n}`);
      numbered.set(sql, out);
    }
    return out;
  };
  const queries = (client) => ({
    async all(sql, params = []) {
      return (await client.query(toPg(sql), params)).rows;
    },
    async get(sql, params = []) {
      return (await client.query(toPg(sql), params)).rows[0] ?? null;
    },
    async run(sql, params = []) {
      return { changes: (await client.query(toPg(sql), params)).rowCount ?? 0 };
    },
    forUpdate: ' FOR UPDATE',
  });
  return {
    kind: 'postgres',
    async tx(fn) {
      const client = await pool.connect();
      let broken;
      try {
        await client.query('BEGIN');
        try {
          const out = await fn(queries(client));
          await client.query('COMMIT');
          return out;
        } catch (e) {
          await client.query('ROLLBACK').catch((r) => {
            broken = r; // the connection is gone: do not hand it out again
          });
          throw e;
        }
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}
