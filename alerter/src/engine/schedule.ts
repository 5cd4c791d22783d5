import cron from 'node-cron';
import { cronExpression } from '../../../model/src/schedule.ts';

/** How evaluations are started. */
export interface ScheduleOptions {
  intervalMs: number;
  /** Whether data that warrants an evaluation landed since it was last asked, polled every `watchEveryMs` (0: not watched). */
  newData?: () => Promise<boolean>;
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
  let watching = false;
  const watcher =
    o.newData === undefined || o.watchEveryMs <= 0
      ? undefined
      : setInterval(() => {
          if (watching) return;
          watching = true;
          void o
            .newData?.()
            .then((landed) => {
              if (landed) run();
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
