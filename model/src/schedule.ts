/** Whether an interval can be a cron schedule: whole seconds dividing a minute, or whole minutes dividing an hour. */
export function isCronInterval(intervalMs: number): boolean {
  return (
    intervalMs % 1_000 === 0 &&
    (60_000 % intervalMs === 0 || (intervalMs % 60_000 === 0 && 3_600_000 % intervalMs === 0))
  );
}

/** What to say when `isCronInterval` is false. */
export const cronIntervalMessage = 'must divide a minute (1s…30s) or an hour (1m…30m)';

/** A six-field node-cron expression (with seconds) for an interval that divides a minute or an hour. */
export function cronExpression(intervalMs: number): string {
  const seconds = intervalMs / 1_000;
  if (seconds < 60) return `*/${seconds} * * * * *`;
  return `0 */${seconds / 60} * * * *`;
}
