import Database from 'better-sqlite3';
import type { Outcome } from '../notify/delivery.ts';
import type { Notification, Queued } from '../notify/notification.ts';
import type { DispatchStatePort, GroupLogEntry } from '../route/dispatch.ts';
import type { Silence } from '../route/silences.ts';

const schema = `
CREATE TABLE IF NOT EXISTS group_log (group_key TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  receiver TEXT NOT NULL,
  incident_key TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  due_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  delivered_ms INTEGER,
  failed_ms INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (id) WHERE delivered_ms IS NULL AND failed_ms IS NULL;
CREATE TABLE IF NOT EXISTS silences (id TEXT PRIMARY KEY, body TEXT NOT NULL, ends_ms INTEGER NOT NULL);
`;

/** One row of the outbox as the API lists it. */
export interface OutboxRow {
  id: number;
  queue: string;
  receiver: string;
  incidentKey: string;
  status: Notification['status'];
  kind: Notification['kind'];
  groupLabels: Notification['groupLabels'];
  tenant?: string;
  createdMs: number;
  dueMs: number;
  attempts: number;
  lastError?: string;
  deliveredMs?: number;
  failedMs?: number;
}

interface Row {
  id: number;
  queue: string;
  receiver: string;
  incident_key: string;
  body: string;
  created_ms: number;
  due_ms: number;
  attempts: number;
  last_error: string | null;
  delivered_ms: number | null;
  failed_ms: number | null;
}

/**
 * Notification state in SQLite (WAL, synchronous NORMAL), beside the alerts: the dispatcher's group log and the
 * outbox written in one transaction (a notification is either decided and queued, or neither), delivery
 * outcomes, and silences. Nothing queued is lost to a kill -9; a notification delivered but not yet marked
 * is sent again after a restart (at least once, with its incident key).
 */
export class NotifyStore implements DispatchStatePort {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL, not FULL: in WAL mode a commit survives a kill -9 (it is in the OS's cache); only a power loss may
    // drop the last commits, and then the dispatcher derives them again from the alert state (which is FULL):
    // a notification may be sent twice, never lost. An fsync per dispatch would add milliseconds to every page.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(schema);
  }

  groupLog(): Map<string, GroupLogEntry> {
    const rows = this.db.prepare('SELECT body FROM group_log').all() as { body: string }[];
    const out = new Map<string, GroupLogEntry>();
    for (const r of rows) {
      const e = JSON.parse(r.body) as GroupLogEntry;
      out.set(e.groupKey, e);
    }
    return out;
  }

  commit(changes: { enqueue: Notification[]; upsert: GroupLogEntry[]; remove: string[] }): Queued[] {
    const put = this.db.prepare(
      'INSERT INTO group_log (group_key, body) VALUES (?, ?) ON CONFLICT(group_key) DO UPDATE SET body = excluded.body',
    );
    const del = this.db.prepare('DELETE FROM group_log WHERE group_key = ?');
    const add = this.db.prepare(
      'INSERT INTO outbox (queue, receiver, incident_key, body, created_ms, due_ms) VALUES (?, ?, ?, ?, ?, ?)',
    );
    return this.db.transaction(() => {
      const queued = changes.enqueue.map((n) => ({
        id: Number(
          add.run(n.queue, n.receiver, n.incidentKey, JSON.stringify(n), n.createdAtMs, n.createdAtMs)
            .lastInsertRowid,
        ),
        notification: n,
        attempts: 0,
        dueMs: n.createdAtMs,
      }));
      for (const e of changes.upsert) put.run(e.groupKey, JSON.stringify(e));
      for (const k of changes.remove) del.run(k);
      return queued;
    })();
  }

  /** Every notification not yet delivered nor given up, oldest first. */
  pending(): Queued[] {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE delivered_ms IS NULL AND failed_ms IS NULL ORDER BY id')
      .all() as Row[];
    return rows.map((r) => ({
      id: r.id,
      notification: JSON.parse(r.body) as Notification,
      attempts: r.attempts,
      dueMs: r.due_ms,
      ...(r.last_error === null ? {} : { lastError: r.last_error }),
    }));
  }

  /** Records delivery outcomes in one transaction. */
  settle(outcomes: readonly Outcome[]): void {
    const delivered = this.db.prepare(
      'UPDATE outbox SET delivered_ms = ?, attempts = attempts + 1 WHERE id = ?',
    );
    const retry = this.db.prepare(
      'UPDATE outbox SET due_ms = ?, attempts = attempts + 1, last_error = ? WHERE id = ?',
    );
    const failed = this.db.prepare(
      'UPDATE outbox SET failed_ms = ?, attempts = attempts + 1, last_error = ? WHERE id = ?',
    );
    this.db.transaction(() => {
      for (const o of outcomes) {
        if (o.kind === 'delivered') delivered.run(o.atMs, o.id);
        else if (o.kind === 'retry') retry.run(o.dueMs, o.error, o.id);
        else failed.run(o.atMs, o.error, o.id);
      }
    })();
  }

  /** The newest outbox rows (delivered, waiting, failed), newest first. */
  outbox(limit = 200): OutboxRow[] {
    const rows = this.db.prepare('SELECT * FROM outbox ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.map((r) => {
      const n = JSON.parse(r.body) as Notification;
      return {
        id: r.id,
        queue: r.queue,
        receiver: r.receiver,
        incidentKey: r.incident_key,
        status: n.status,
        kind: n.kind,
        groupLabels: n.groupLabels,
        ...(n.tenant === undefined ? {} : { tenant: n.tenant }),
        createdMs: r.created_ms,
        dueMs: r.due_ms,
        attempts: r.attempts,
        ...(r.last_error === null ? {} : { lastError: r.last_error }),
        ...(r.delivered_ms === null ? {} : { deliveredMs: r.delivered_ms }),
        ...(r.failed_ms === null ? {} : { failedMs: r.failed_ms }),
      };
    });
  }

  /** Forgets delivered and failed notifications older than `beforeMs`. */
  prune(beforeMs: number): void {
    this.db
      .prepare(
        'DELETE FROM outbox WHERE (delivered_ms IS NOT NULL OR failed_ms IS NOT NULL) AND created_ms < ?',
      )
      .run(beforeMs);
  }

  silences(): Silence[] {
    const rows = this.db.prepare('SELECT body FROM silences ORDER BY ends_ms DESC').all() as {
      body: string;
    }[];
    return rows.map((r) => JSON.parse(r.body) as Silence);
  }

  putSilence(s: Silence): void {
    this.db
      .prepare(
        'INSERT INTO silences (id, body, ends_ms) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body, ends_ms = excluded.ends_ms',
      )
      .run(s.id, JSON.stringify(s), s.endsAtMs);
  }

  /** Forgets silences that ended before `beforeMs`. */
  pruneSilences(beforeMs: number): void {
    this.db.prepare('DELETE FROM silences WHERE ends_ms < ?').run(beforeMs);
  }

  /** Forgets what is done with from before `beforeMs`: notifications delivered or failed, silences ended. */
  forgetBefore(beforeMs: number): void {
    this.prune(beforeMs);
    this.pruneSilences(beforeMs);
  }

  close(): void {
    this.db.close();
  }
}
