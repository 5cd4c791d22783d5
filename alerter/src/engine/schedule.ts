import cron from 'node-cron';
import { cronExpression } from '../../../model/src/schedule.ts';

/** How evaluations are started. */
export interface ScheduleOptions {
  intervalMs: number;
  /** Newest time of the collector's data, polled every `watchEveryMs` (0: not watched). */
  latestDataMs?: () => Promise<number | undefined>;
  watchEveryMs: number;
  /** One evaluation at `nowMs`. */
  evaluate: (nowMs: number) => Promise<void>;
  clock: () => number;
  onError: (err: unknown) => void;
}

/** A running schedule. */
export interface RunningSchedule {
  /** Asks for an evaluation now (runs after the current one if one is running). */
  trigger(): void;
  stop(): Promise<void>;
}

/**
 * Evaluates on a node-cron schedule and as soon as new collector data lands. Evaluations never overlap: a
 * request during one runs once right after it.
 */
export function startSchedule(o: ScheduleOptions): RunningSchedule {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = o
      .evaluate(o.clock())
      .catch(o.onError)
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const task = cron.schedule(cronExpression(o.intervalMs), run);
  let seen: number | undefined;
  let watching = false;
  const watcher =
    o.latestDataMs === undefined || o.watchEveryMs <= 0
      ? undefined
      : setInterval(() => {
          if (watching) return;
          watching = true;
          void o
            .latestDataMs?.()
            .then((t) => {
              if (t !== undefined && seen !== undefined && t > seen) run();
              if (t !== undefined) seen = t;
            })
            .catch(() => undefined) // an unreachable store is seen (and alerted) by the evaluation itself
            .finally(() => (watching = false));
        }, o.watchEveryMs);
  return {
    trigger: run,
    async stop() {
      stopped = true;
      if (watcher !== undefined) clearInterval(watcher);
      await task.stop();
      await running;
    },
  };
}
