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
