/** Resolves at the first SIGINT (Ctrl-C) or SIGTERM (docker stop): a long-running command then stops cleanly. */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
