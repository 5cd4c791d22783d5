import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { durationSchema as duration } from '../../../model/src/duration.ts';
import { matchesAll, matcherSchema } from './matchers.ts';
import type { Matchable, Matcher } from './matchers.ts';

/** A silence or maintenance window: alerts matching every matcher are not notified between start and end. */
export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAtMs: number;
  endsAtMs: number;
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
    createdBy: z.string().trim().min(1, 'who creates it').max(200),
    comment: z.string().trim().min(1, 'why (a ticket, a maintenance)').max(2_000),
  })
  .strict()
  .refine((s) => (s.endsAt === undefined) !== (s.duration === undefined), {
    message: 'give either endsAt or duration',
  });

/** Builds a silence from validated input at `nowMs`; throws when it would end before it starts. */
export function newSilence(input: z.output<typeof silenceInputSchema>, nowMs: number): Silence {
  const startsAtMs = input.startsAt === undefined ? nowMs : Date.parse(input.startsAt);
  const endsAtMs = input.endsAt === undefined ? startsAtMs + (input.duration ?? 0) : Date.parse(input.endsAt);
  if (endsAtMs <= startsAtMs) throw new Error('a silence must end after it starts');
  if (endsAtMs <= nowMs) throw new Error('a silence must end in the future');
  if (input.matchers.every((m) => (m.op === '=~' && m.value === '.*') || (m.op === '!=' && m.value === '')))
    throw new Error('these matchers silence every alert: name at least one label value');
  return {
    id: randomUUID(),
    matchers: input.matchers,
    startsAtMs,
    endsAtMs,
    createdBy: input.createdBy,
    comment: input.comment,
    createdAtMs: nowMs,
  };
}

/** A silence's state at `nowMs`. */
export function silenceState(s: Silence, nowMs: number): 'pending' | 'active' | 'expired' {
  if (nowMs >= s.endsAtMs) return 'expired';
  return nowMs >= s.startsAtMs ? 'active' : 'pending';
}

/** The first active silence that mutes an alert, if any. */
export function silencedBy(
  silences: readonly Silence[],
  alert: Matchable,
  nowMs: number,
): Silence | undefined {
  return silences.find((s) => silenceState(s, nowMs) === 'active' && matchesAll(s.matchers, alert));
}
