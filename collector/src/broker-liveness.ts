import type { Answer } from './kafka/liveness.ts';

/** Why a broker is or is not serving (docs/adr/0004-crash-or-planned-stop.md). */
export type BrokerState = 'up' | 'fenced' | 'crashed' | 'hung' | 'restarting' | 'restart_overdue';

/** One poll's view of one broker: how it answered, and whether most answering brokers list it as alive. */
export interface BrokerObservation {
  broker: number;
  answer: Answer;
  /** Undefined when no broker answered (the registration cannot be known this poll). */
  registered: boolean | undefined;
}

/** One broker's status after a poll. */
export interface BrokerStatus {
  broker: number;
  state: BrokerState;
  answering: boolean;
  registered: boolean;
  /** Seconds since it last answered (0 while it answers). */
  downSeconds: number;
  /** The state differs from the previous poll's. */
  changed: boolean;
}

/** How many polls in a row make a verdict: one refused poll may meet a broker cache a few ms behind. */
export interface LivenessRules {
  /** Refused while registered this many polls in a row: a crash. */
  crashAfter: number;
  /** No answer within the deadline this many polls in a row: hung. */
  hungAfter: number;
  /** A broker away after a controlled shutdown for longer than this is overdue (ms). */
  restartGraceMs: number;
}

export const defaultLivenessRules: LivenessRules = { crashAfter: 2, hungAfter: 3, restartGraceMs: 300_000 };

interface Memory {
  state: BrokerState;
  registered: boolean;
  refusedRegistered: number;
  timeouts: number;
  lastAnswerMs: number | undefined;
  awaySinceMs: number | undefined;
}

/**
 * Tells a crash from a planned stop from a hang, poll by poll (time passed in). The signal is the order in
 * which a broker leaves: a controlled shutdown is granted by the controller, which fences the broker before it
 * stops serving, so it leaves the metadata while it still answers; a crashed broker stops answering while the
 * cluster still counts it (until its session times out, 9 s by default); a hung one holds its sockets and
 * answers nothing.
 */
export class LivenessTracker {
  private readonly brokers = new Map<number, Memory>();

  constructor(private readonly rules: LivenessRules = defaultLivenessRules) {}

  /** Folds one poll in and returns every observed broker's status. */
  observe(nowMs: number, observations: readonly BrokerObservation[]): BrokerStatus[] {
    return observations.map((o) => {
      const before = this.brokers.get(o.broker);
      const m: Memory = before ?? {
        state: 'up',
        registered: o.registered ?? true,
        refusedRegistered: 0,
        timeouts: 0,
        lastAnswerMs: undefined,
        awaySinceMs: undefined,
      };
      const previous = before?.state;
      const registered = o.registered ?? m.registered;
      m.registered = registered;
      m.state = this.next(m, o.answer, registered, before === undefined, nowMs);
      if (o.answer === 'ok') m.lastAnswerMs = nowMs;
      this.brokers.set(o.broker, m);
      const away = o.answer === 'ok' ? 0 : nowMs - (m.lastAnswerMs ?? m.awaySinceMs ?? nowMs);
      return {
        broker: o.broker,
        state: m.state,
        answering: o.answer === 'ok',
        registered,
        downSeconds: away / 1_000,
        changed: previous !== undefined && previous !== m.state,
      };
    });
  }

  private next(m: Memory, answer: Answer, registered: boolean, first: boolean, nowMs: number): BrokerState {
    const away = m.state === 'crashed' || m.state === 'hung' || isPlanned(m.state);
    if (answer === 'ok') {
      m.refusedRegistered = 0;
      m.timeouts = 0;
      if (registered) {
        m.awaySinceMs = undefined;
        return 'up';
      }
      // Answering but not (yet) in the cluster: starting again after it was away, or fenced while alive.
      if (!away) return 'fenced';
      return isPlanned(m.state) ? (this.planned(m, nowMs) ?? m.state) : m.state;
    }
    if (answer === 'timeout') {
      m.refusedRegistered = 0;
      m.timeouts += 1;
      if (isPlanned(m.state)) return this.planned(m, nowMs) ?? m.state;
      m.awaySinceMs ??= nowMs;
      return m.timeouts >= this.rules.hungAfter || m.state === 'hung' ? 'hung' : m.state;
    }
    // Refused: nothing listens.
    m.timeouts = 0;
    if (registered) {
      m.refusedRegistered += 1;
      m.awaySinceMs ??= nowMs;
      if (m.state === 'crashed' || m.state === 'hung' || first) return 'crashed';
      if (isPlanned(m.state)) return this.planned(m, nowMs) ?? m.state;
      return m.refusedRegistered >= this.rules.crashAfter ? 'crashed' : m.state;
    }
    m.refusedRegistered = 0;
    if (m.state === 'crashed' || m.state === 'hung') return 'crashed';
    // It left the cluster before it stopped answering (or the collector did not see it leave): a planned stop.
    m.awaySinceMs ??= nowMs;
    return this.planned(m, nowMs) ?? 'restarting';
  }

  private planned(m: Memory, nowMs: number): BrokerState | undefined {
    if (m.awaySinceMs === undefined) return undefined;
    return nowMs - m.awaySinceMs > this.rules.restartGraceMs ? 'restart_overdue' : 'restarting';
  }
}

const isPlanned = (s: BrokerState): boolean => s === 'restarting' || s === 'restart_overdue';
