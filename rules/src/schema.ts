import { z } from 'zod';
import { durationSchema as duration } from '../../model/src/duration.ts';
import { compileRegex } from '../../model/src/regex.ts';

/** How a condition's values over its window become one number per series. */
export const reductions = [
  'last',
  'first',
  'max',
  'min',
  'avg',
  'sum',
  'count',
  'delta',
  'increase',
  'rate',
  'min_step',
  'predict_linear',
  'span',
] as const;
/** One reduction. */
export type Reduction = (typeof reductions)[number];

/** How several series that share the instance labels (`by`) become one number. */
export const aggregations = ['max', 'min', 'sum', 'avg', 'count', 'median'] as const;

const tagName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a tag name');
const matcher = z.union([
  z.string(),
  z
    .object({
      // InfluxDB reads it with Go's regexp (RE2), and so does the in-memory port: no backtracking.
      re: z.string().superRefine((re, ctx) => {
        try {
          compileRegex(re);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    })
    .strict(),
  z.object({ not: z.string() }).strict(),
  z.object({ in: z.array(z.string()).min(1) }).strict(),
]);

const threshold = z.union([
  z.number().finite(),
  z
    .object({
      tenant: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a tenant threshold name'),
      default: z.number().finite(),
    })
    .strict(),
  z
    .object({
      median_over: z.array(tagName).default([]),
      factor: z.number().positive(),
    })
    .strict(),
]);

/** A metric compared over a window: the shape of a rule's main condition and of its `and`/`unless` ones. */
export const conditionSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'a condition name')
      .optional(),
    metric: z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/, 'measurement.field from the catalog'),
    ratio_to: z
      .string()
      .regex(/^[a-z0-9_]+$/, 'a field of the same measurement')
      .optional(),
    where: z.record(tagName, matcher).default({}),
    window: duration,
    /** The window ends this long before now: a baseline that leaves out what is happening now. */
    offset: duration.optional(),
    step: duration.optional(),
    reduce: z.enum(reductions),
    horizon: duration.optional(),
    by: z.array(tagName).optional(),
    aggregate: z.enum(aggregations).default('max'),
    op: z.enum(['>', '>=', '<', '<=', '==', '!=']),
    threshold,
    absent: z
      .object({ lookback: duration, value: z.number().finite().default(0) })
      .strict()
      .optional(),
  })
  .strict();

const evidence = z
  .object({
    metric: z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/, 'measurement.field from the catalog'),
    where: z.record(tagName, matcher).default({}),
    window: duration,
    reduce: z.enum(['last', 'max', 'min', 'avg', 'sum']).default('last'),
    op: z.enum(['>', '>=', '<', '<=', '==', '!=']).default('>'),
    threshold: z.number().finite().default(0),
    by: z.array(tagName).min(1),
    limit: z.number().int().min(1).max(50).default(10),
  })
  .strict();

/** A value read for the annotations only (`{{values.NAME}}`), never deciding whether the rule holds. */
const contextSchema = conditionSchema
  .omit({ op: true, threshold: true, absent: true })
  .extend({ name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a condition name') })
  .strict();

/** How loud an alert is: a page wakes the on-call, a ticket waits for working hours, info is for the record. */
export const severities = ['page', 'ticket', 'info'] as const;

/** One alerting rule. */
export const ruleSchema = conditionSchema
  .extend({
    alert: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'an alert name in UpperCamelCase'),
    severity: z.enum(severities),
    audience: z.array(z.enum(['operators', 'tenant'])).min(1),
    for: duration.default(0),
    keep_firing_for: duration.default(0),
    and: z.array(conditionSchema).default([]),
    unless: z.array(conditionSchema).default([]),
    /** Any holding says the fault is gone: a firing instance resolves at once, though its own (longer) window still holds. */
    resolve_when: z.array(conditionSchema).default([]),
    context: z.array(contextSchema).default([]),
    evidence: evidence.optional(),
    labels: z.record(tagName, z.string()).default({}),
    annotations: z
      .object({
        summary: z.string().min(1),
        description: z.string().min(1),
        runbook: z.string().min(1),
        dashboard: z.string().optional(),
      })
      .strict(),
  })
  .strict();

/** A rule file: a list of rules. */
export const ruleFileSchema = z.object({ rules: z.array(ruleSchema).default([]) }).strict();

/** A tag matcher as written. */
export type Matcher = z.output<typeof matcher>;
/** A parsed condition (durations in ms). */
export type Condition = z.output<typeof conditionSchema>;
/** A parsed threshold. */
export type Threshold = z.output<typeof threshold>;
/** A parsed rule (durations in ms), with the file it came from. */
export type Rule = z.output<typeof ruleSchema> & { file: string; line: number };
/** A parsed context value. */
export type Context = z.output<typeof contextSchema>;
/** A parsed evidence block. */
export type Evidence = z.output<typeof evidence>;

/** What the engine needs of a rule to track its alerts (rules from files, and the engine's own). */
export type AlertDefinition = Pick<
  Rule,
  'alert' | 'severity' | 'audience' | 'labels' | 'annotations' | 'for' | 'keep_firing_for' | 'window'
>;

/** A context value as a condition (it is read like one; nothing compares it). */
export const asCondition = (c: Context): Condition => ({ ...c, op: '>=', threshold: 0 });
