import { z } from 'zod';

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (00:00 to 23:59)');

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'an IANA time zone, e.g. UTC or Europe/Berlin' },
);

/**
 * A mute that recurs (Alertmanager's time intervals): on these weekdays, from one time of day to another, in a
 * time zone. `to` before `from` runs past midnight into the next day (22:00–02:00).
 */
export const recurrenceSchema = z
  .object({
    weekdays: z
      .array(z.enum(weekdays))
      .min(1)
      .default([...weekdays]),
    from: clock,
    to: clock,
    timeZone: timeZone.default('UTC'),
  })
  .strict()
  .refine((r) => r.from !== r.to, { error: 'from and to must differ', path: ['to'] });

/** A recurrence as kept and shown (`from` and `to` as HH:MM). */
export type Recurrence = z.output<typeof recurrenceSchema>;

const dayFormat = new Map<string, Intl.DateTimeFormat>();

/** The weekday and minute of the day at `atMs` in a time zone. */
function localTime(atMs: number, tz: string): { day: number; minute: number } {
  let f = dayFormat.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    dayFormat.set(tz, f);
  }
  const parts = Object.fromEntries(f.formatToParts(atMs).map((p) => [p.type, p.value]));
  const day = weekdays.indexOf(String(parts.weekday).toLowerCase() as Weekday);
  return { day, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Whether `atMs` falls in one of a recurrence's windows. */
export function inRecurrence(r: Recurrence, atMs: number): boolean {
  const { day, minute } = localTime(atMs, r.timeZone);
  const [from, to] = [minutes(r.from), minutes(r.to)];
  const on = (d: number): boolean => r.weekdays.includes(weekdays[(d + 7) % 7] as Weekday);
  if (from < to) return on(day) && minute >= from && minute < to;
  return (on(day) && minute >= from) || (on(day - 1) && minute < to);
}
