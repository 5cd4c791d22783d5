import Database from 'better-sqlite3';
import type { TrackedAlert, Transition } from '../../../rules/src/alert.ts';
import type { EvaluationChanges, StatePort } from '../engine/engine.ts';

/** A stored transition, with its place in the log. */
export interface StoredTransition extends Transition {
  id: number;
  labels: Record<string, string>;
}

const schema = `
CREATE TABLE IF NOT EXISTS alerts (
  fingerprint TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL,
  rule TEXT NOT NULL,
  labels TEXT NOT NULL,
  from_phase TEXT NOT NULL,
  to_phase TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/**
 * The alerter's durable state in SQLite (WAL, synchronous FULL): every tracked alert with its timers, the log
 * of transitions, and the time of the last evaluation. An evaluation's changes are one transaction, so a
 * kill -9 at any moment leaves either all of them or none.
 */
export class AlertStore implements StatePort {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement<[string, string, string]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly log: Database.Statement<[string, string, string, string, string, number]>;
  private readonly setMeta: Database.Statement<[string, string]>;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(schema);
    this.upsert = this.db.prepare(
      'INSERT INTO alerts (fingerprint, rule, body) VALUES (?, ?, ?) ON CONFLICT(fingerprint) DO UPDATE SET rule = excluded.rule, body = excluded.body',
    );
    this.remove = this.db.prepare('DELETE FROM alerts WHERE fingerprint = ?');
    this.log = this.db.prepare(
      'INSERT INTO transitions (fingerprint, rule, labels, from_phase, to_phase, at_ms) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.setMeta = this.db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
  }

  /** Every tracked alert, grouped by rule. */
  load(): Map<string, Map<string, TrackedAlert>> {
    const out = new Map<string, Map<string, TrackedAlert>>();
    const rows = this.db.prepare('SELECT rule, body FROM alerts').all() as { rule: string; body: string }[];
    for (const row of rows) {
      const alert = JSON.parse(row.body) as TrackedAlert;
      let byRule = out.get(row.rule);
      if (byRule === undefined) {
        byRule = new Map();
        out.set(row.rule, byRule);
      }
      byRule.set(alert.fingerprint, alert);
    }
    return out;
  }

  /** When the last evaluation whose changes were written ran, if one did. */
  lastEvaluationMs(): number | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'last_evaluation_ms'").get() as
      { value: string } | undefined;
    return row === undefined ? undefined : Number(row.value);
  }

  /** Writes one evaluation's changes, all or nothing. */
  apply(changes: EvaluationChanges): void {
    this.db.transaction(() => {
      for (const t of changes.transitions)
        this.log.run(t.fingerprint, t.rule, JSON.stringify(t.labels), t.from, t.to, t.atMs);
      for (const a of changes.changed) this.upsert.run(a.fingerprint, a.rule, JSON.stringify(a));
      for (const fp of changes.dropped) this.remove.run(fp);
      this.setMeta.run('last_evaluation_ms', String(changes.atMs));
    })();
  }

  /** Transitions after `afterId`, oldest first (at most `limit`). */
  transitions(afterId = 0, limit = 1_000): StoredTransition[] {
    const rows = this.db
      .prepare('SELECT * FROM transitions WHERE id > ? ORDER BY id LIMIT ?')
      .all(afterId, limit) as {
      id: number;
      fingerprint: string;
      rule: string;
      labels: string;
      from_phase: Transition['from'];
      to_phase: Transition['to'];
      at_ms: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      fingerprint: r.fingerprint,
      rule: r.rule,
      labels: JSON.parse(r.labels) as Record<string, string>,
      from: r.from_phase,
      to: r.to_phase,
      atMs: r.at_ms,
    }));
  }

  close(): void {
    this.db.close();
  }
}
