import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { durationSchema as duration } from '../../../model/src/duration.ts';
import { severities } from '../../../rules/src/schema.ts';
import { matches, matchesAll, matcherSchema } from './matchers.ts';
import { inRecurrence, recurrenceSchema } from './recurrence.ts';
import type { Recurrence } from './recurrence.ts';
import type { Matchable, Matcher } from './matchers.ts';

/**
 * A silence or maintenance window: alerts matching every matcher are not notified between start and end (with
 * `every`, only in its recurring windows: a mute timing, e.g. Tuesdays 02:00–04:00 for patching).
 */
export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAtMs: number;
  endsAtMs: number;
  every?: Recurrence;
  createdBy: string;
  comment: string;
  createdAtMs: number;
}

/** A new silence as the API and the CLI take it: an end, or a duration from the start. */
export const silenceInputSchema = z
  .object({
    matchers: z.array(matcherSchema).min(1, 'at least one matcher'),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    duration: duration.optional(),
    /** Mute only in these recurring windows between start and end. */
    every: recurrenceSchema.optional(),
    createdBy: z.string().trim().min(1, 'who creates it').max(200),
    comment: z.string().trim().min(1, 'why (a ticket, a maintenance)').max(2_000),
  })
  .strict()
  .refine((s) => (s.endsAt === undefined) !== (s.duration === undefined), {
    message: 'give either endsAt or duration',
  });

/** The values some labels are known to take (`alertname`: the rules' names), for the match-everything check. */
export type LabelVocabulary = Readonly<Record<string, readonly string[]>>;

/** Values a label of unknown vocabulary may take: absent, short, numeric, a tenant's, a topic's. */
const anyValues = ['', 'a', 'Z', '0', '7', 'lab', 'payments', 'orders-v2.events_1', 'page'];

/**
 * Whether a matcher lets every alert through: it holds for each value its label is known to take (every
 * severity; every rule's name) or, for other labels, for each of a spread of values, absent included. So
 * `alertname=~".+"`, `severity!="none"` and `cluster=~".*"` hold for everything; `tenant="payments"`,
 * `alertname=~"Consumer.*"` and `group=~".+"` (only alerts about a group) do not.
 */
function holdsForEvery(m: Matcher, vocabulary: LabelVocabulary): boolean {
  const values = m.name === 'severity' ? severities : (vocabulary[m.name] ?? anyValues);
  return values.every((v) => matches(m, { labels: { [m.name]: v } }));
}

/**
 * Builds a silence from validated input at `nowMs`; throws when it would end before it starts, or when every
 * matcher holds for every alert (as docs/notifications.md promises: such a silence is refused).
 */
export function newSilence(
  input: z.output<typeof silenceInputSchema>,
  nowMs: number,
  vocabulary: LabelVocabulary = {},
): Silence {
  const startsAtMs = input.startsAt === undefined ? nowMs : Date.parse(input.startsAt);
  const endsAtMs = input.endsAt === undefined ? startsAtMs + (input.duration ?? 0) : Date.parse(input.endsAt);
  if (endsAtMs <= startsAtMs) throw new Error('a silence must end after it starts');
  if (endsAtMs <= nowMs) throw new Error('a silence must end in the future');
  if (input.matchers.every((m) => holdsForEvery(m, vocabulary)))
    throw new Error(
      `these matchers silence every alert (${input.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')}): name at least one label value that some alerts do not have`,
    );
  return {
    id: randomUUID(),
    matchers: input.matchers,
    startsAtMs,
    endsAtMs,
    ...(input.every === undefined ? {} : { every: input.every }),
    createdBy: input.createdBy,
    comment: input.comment,
    createdAtMs: nowMs,
  };
}

/** A silence's state at `nowMs` (a recurring one is pending between its windows). */
export function silenceState(s: Silence, nowMs: number): 'pending' | 'active' | 'expired' {
  if (nowMs >= s.endsAtMs) return 'expired';
  if (nowMs < s.startsAtMs) return 'pending';
  return s.every === undefined || inRecurrence(s.every, nowMs) ? 'active' : 'pending';
}

/** The first active silence that mutes an alert, if any. */
export function silencedBy(
  silences: readonly Silence[],
  alert: Matchable,
  nowMs: number,
): Silence | undefined {
  return silences.find((s) => silenceState(s, nowMs) === 'active' && matchesAll(s.matchers, alert));
}
