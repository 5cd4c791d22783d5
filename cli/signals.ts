/** Resolves at the first SIGINT (Ctrl-C) or SIGTERM (docker stop): a long-running command then stops cleanly. */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** How long a long-running command may take to stop after the signal: within docker's 10 s before SIGKILL. */
export const stopWithinMs = 8_000;

/**
 * Stops a long-running command and exits: its own `stop` (finishing or spooling what it accepted) if that ends
 * within `withinMs`, else it says so and exits anyway. Whatever a client leaves behind (kafkajs reconnecting to a
 * dead broker, a request to a hung target) never keeps the process alive after it said it stopped.
 */
export async function stopAndExit(
  stop: () => Promise<void>,
  say: (line: string) => void,
  withinMs = stopWithinMs,
): Promise<never> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((ok) => {
    timer = setTimeout(() => ok('late'), withinMs);
  });
  const outcome = await Promise.race([
    stop().then(
      () => 'stopped' as const,
      (error: unknown) => {
        say(`stopping failed: ${(error as Error).message}`);
        process.exitCode = 1;
        return 'stopped' as const;
      },
    ),
    late,
  ]);
  clearTimeout(timer);
  if (outcome === 'late') say(`not stopped within ${withinMs / 1000} s of the signal: exiting anyway`);
  process.exit(process.exitCode ?? 0);
}
