import { describe, expect, it } from 'vitest';
import { absoluteLink, alertLinks } from '../src/notify/links.ts';
import { publicUrlOf } from '../src/public-url.ts';
import { inRecurrence, recurrenceSchema } from '../src/route/recurrence.ts';
import { newSilence, silenceInputSchema, silenceState } from '../src/route/silences.ts';
import { parseConfigText } from '../../model/src/config-file.ts';
import { alerterConfigSchema } from '../src/config.ts';

const at = (iso: string): number => Date.parse(iso);
const every = (r: Record<string, unknown>) => recurrenceSchema.parse(r);

describe('recurring mute timings', () => {
  it('hold on their weekdays between from and to, in their time zone', () => {
    const tuesdays = every({ weekdays: ['tue'], from: '02:00', to: '04:00' });
    // 2026-12-08 is a Tuesday.
    expect(inRecurrence(tuesdays, at('2026-12-08T01:59:59Z'))).toBe(false);
    expect(inRecurrence(tuesdays, at('2026-12-08T02:00:00Z'))).toBe(true);
    expect(inRecurrence(tuesdays, at('2026-12-08T03:59:59Z'))).toBe(true);
    expect(inRecurrence(tuesdays, at('2026-12-08T04:00:00Z'))).toBe(false);
    expect(inRecurrence(tuesdays, at('2026-12-09T03:00:00Z'))).toBe(false);
    // In Berlin (UTC+1 in December), 02:00 local is 01:00 UTC.
    const berlin = every({ weekdays: ['tue'], from: '02:00', to: '04:00', timeZone: 'Europe/Berlin' });
    expect(inRecurrence(berlin, at('2026-12-08T01:30:00Z'))).toBe(true);
    expect(inRecurrence(berlin, at('2026-12-08T03:30:00Z'))).toBe(false);
    // Summer time: UTC+2.
    expect(inRecurrence(berlin, at('2026-07-07T00:30:00Z'))).toBe(true);
  });

  it('run past midnight into the next day when to is before from; every day without weekdays', () => {
    const nights = every({ weekdays: ['fri'], from: '22:00', to: '02:00' });
    expect(inRecurrence(nights, at('2026-12-11T23:00:00Z'))).toBe(true); // Friday 23:00
    expect(inRecurrence(nights, at('2026-12-12T01:00:00Z'))).toBe(true); // Saturday 01:00, Friday's night
    expect(inRecurrence(nights, at('2026-12-12T23:00:00Z'))).toBe(false); // Saturday 23:00
    expect(inRecurrence(nights, at('2026-12-11T01:00:00Z'))).toBe(false); // Friday 01:00: Thursday's night
    const daily = every({ from: '12:00', to: '13:00' });
    expect(daily.weekdays).toHaveLength(7);
    expect(inRecurrence(daily, at('2026-12-13T12:30:00Z'))).toBe(true);
  });

  it('refuses what is not a time, a weekday or a time zone, saying which', () => {
    const errors = (r: unknown) =>
      recurrenceSchema.safeParse(r).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(errors({ from: '2:00', to: '04:00' })).toEqual(['from: a time of day as HH:MM (00:00 to 23:59)']);
    expect(errors({ from: '02:00', to: '24:00' })).toEqual(['to: a time of day as HH:MM (00:00 to 23:59)']);
    expect(errors({ weekdays: ['tuesday'], from: '02:00', to: '04:00' })?.[0]).toMatch(/^weekdays\.0: /);
    expect(errors({ from: '02:00', to: '04:00', timeZone: 'Mars/Base' })).toEqual([
      'timeZone: an IANA time zone, e.g. UTC or Europe/Berlin',
    ]);
    expect(errors({ from: '02:00', to: '02:00' })).toEqual(['to: from and to must differ']);
  });

  it('make a silence pending between its windows and active in them', () => {
    const now = at('2026-12-07T12:00:00Z'); // a Monday
    const s = newSilence(
      silenceInputSchema.parse({
        matchers: ['cluster="prod"'],
        duration: '30d',
        every: { weekdays: ['tue'], from: '02:00', to: '04:00' },
        createdBy: 'ops',
        comment: 'patching',
      }),
      now,
    );
    expect(silenceState(s, now)).toBe('pending');
    expect(silenceState(s, at('2026-12-08T02:30:00Z'))).toBe('active');
    expect(silenceState(s, at('2026-12-08T04:30:00Z'))).toBe('pending');
    expect(silenceState(s, at('2027-01-12T02:30:00Z'))).toBe('expired');
  });
});

describe('absolute links', () => {
  it('join a base and a relative annotation; none without a base; absolute ones as they are', () => {
    expect(absoluteLink('http://lookout:9310/', '/docs/runbooks.md#x')).toBe(
      'http://lookout:9310/docs/runbooks.md#x',
    );
    expect(absoluteLink(undefined, 'docs/runbooks.md#x')).toBeUndefined();
    expect(absoluteLink(undefined, 'https://wiki/x')).toBe('https://wiki/x');
    expect(alertLinks({ alerter: 'http://l:1' }, { runbook: 'docs/r.md#a', dashboard: '/d/x' })).toEqual({
      runbook: 'http://l:1/docs/r.md#a',
    });
  });

  it('over public_url when set, else the address the alerter listens on', () => {
    const bound = { address: '127.0.0.1', family: 'IPv4', port: 9310 };
    expect(publicUrlOf('https://lookout.example.com/', bound)).toBe('https://lookout.example.com');
    expect(publicUrlOf(undefined, bound)).toBe('http://127.0.0.1:9310');
    expect(publicUrlOf(undefined, { address: '::1', family: 'IPv6', port: 1 })).toBe('http://[::1]:1');
    expect(publicUrlOf(undefined, { ...bound, address: '0.0.0.0' })).not.toContain('0.0.0.0');
  });

  it('notify.links.alerter is refused with where it went', () => {
    const text =
      'influx: { url: http://i:8086, database: d }\nrules: [r]\nstate: { path: s.db }\nnotify:\n  links:\n    alerter: http://x:1\n';
    const parsed = parseConfigText(text, 'alerter.yaml', alerterConfigSchema);
    expect(parsed.ok ? [] : parsed.errors.map((e) => `${e.line}:${e.column}: ${e.message}`)).toEqual([
      '6:14: notify.links.alerter: moved: set public_url at the top level (the address people open the page at)',
    ]);
  });
});
