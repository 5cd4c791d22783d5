import { z } from 'zod';
import { durationSchema as duration } from '../../../model/src/duration.ts';
import { envName } from '../../../model/src/config-fields.ts';

export const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });
const url = httpUrl;

const receiverSchema = z.union([
  z
    .object({
      webhook: z
        .object({
          url,
          /** `lookout`: the documented JSON payload; `pagerduty`: PagerDuty Events API v2. */
          format: z.enum(['lookout', 'pagerduty']).default('lookout'),
          /** The PagerDuty integration's routing key, from this environment variable. */
          routing_key_env: envName.optional(),
          timeout: duration.default(10_000),
        })
        .strict(),
    })
    .strict(),
  z.object({ alertmanager: z.object({ url, timeout: duration.default(10_000) }).strict() }).strict(),
  z
    .object({
      email: z
        .object({
          /** `owner`: the contacts of the tenant owning the alert's group or topic; or fixed addresses. */
          to: z.union([z.literal('owner'), z.array(z.email()).min(1)]),
        })
        .strict(),
    })
    .strict(),
]);

/** One receiver's configuration. */
export type ReceiverConfig = z.output<typeof receiverSchema>;

/**
 * The notify section's delivery side: where links point, the SMTP transport, the receivers and how delivery
 * retries. The routing side (tree, inhibition, incidents) is `route/config.ts`'s; `config.ts` joins them.
 */
export const deliveryFields = {
  /** Where dashboard links point: Grafana as people reach it (the alerter's own address is `public_url`). */
  links: z
    .object({
      alerter: z
        .never({ error: 'moved: set public_url at the top level (the address people open the page at)' })
        .optional(),
      grafana: url.optional(),
    })
    .strict()
    .default({}),
  smtp: z
    .object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65_535).default(25),
      secure: z.boolean().default(false),
      require_tls: z.boolean().default(false),
      username: z.string().min(1).optional(),
      password_env: envName.optional(),
      from: z.email(),
      timeout: duration.default(10_000),
    })
    .strict()
    .optional(),
  receivers: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a receiver name'), receiverSchema).default({}),
  delivery: z
    .object({
      initial_backoff: duration.default(1_000),
      max_backoff: duration.default(300_000),
      jitter: z.number().min(0).max(1).default(0.2),
      reconnect_every: duration.default(500),
      /** Queued notifications older than this that keep failing raise LookoutNotificationsFailing. */
      failing_after: duration.default(60_000),
    })
    .strict()
    .default({
      initial_backoff: 1_000,
      max_backoff: 300_000,
      jitter: 0.2,
      reconnect_every: 500,
      failing_after: 60_000,
    }),
};

/** The delivery side as parsed. */
export type DeliveryConfig = z.output<z.ZodObject<typeof deliveryFields>>;
