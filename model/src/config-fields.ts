import { z } from 'zod';

/** The name of an environment variable that holds a secret (secrets are never written in a config file). */
export const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable');

/** Where an InfluxDB is and how to log in: the fields every service's `influx` section starts with. */
export const influxConnectionFields = {
  url: z.url(),
  database: z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only'),
  username: z.string().optional(),
  password_env: envName.optional(),
};

/** A config problem at a path (what ConfigCheck reports). */
interface PathProblem {
  path: (string | number)[];
  message: string;
}

/**
 * A checker of `*_env` fields against `env`: each named variable that is unset or empty adds a problem at its
 * path to `problems` (secrets are read at load, so a missing one is a config error, not a runtime surprise).
 */
export const envChecker =
  (env: NodeJS.ProcessEnv, problems: PathProblem[]) =>
  (name: string | undefined, path: (string | number)[]): void => {
    if (name !== undefined && (env[name] ?? '') === '')
      problems.push({ path, message: `environment variable ${name} is not set` });
  };
