import { about } from './about.ts';
import { Command } from 'commander';
import { alerterOptions, api } from './alerter-api.ts';
import type { Remote } from './alerter-api.ts';

interface SilenceOut {
  id: string;
  matchers: { name: string; op: string; value: string }[];
  /** ISO 8601, as the API speaks. */
  startsAt: string;
  endsAt: string;
  every?: { weekdays: string[]; from: string; to: string; timeZone: string };
  createdBy: string;
  comment: string;
  state: string;
}

const line = (s: SilenceOut): string =>
  [
    s.id,
    s.state.padEnd(7),
    s.startsAt,
    s.endsAt,
    ...(s.every === undefined
      ? []
      : [`every ${s.every.weekdays.join(',')} ${s.every.from}-${s.every.to} ${s.every.timeZone}`]),
    s.createdBy,
    s.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(' '),
    `# ${s.comment}`,
  ].join('  ');

/**
 * `--every "tue,thu 02:00-04:00 Europe/Berlin"` as the API takes it: weekdays (optional: every day), a time of
 * day range, a time zone (optional: UTC). The API says what is wrong with each part.
 */
export function recurringWindow(text: string): Record<string, unknown> {
  const words = text.trim().split(/\s+/);
  const at = words.findIndex((w) => /^\d{1,2}:\d{2}-\d{1,2}:\d{2}$/.test(w));
  if (at < 0 || at > 1 || words.length > at + 2)
    throw new Error(
      `--every "${text}": expected [DAYS] HH:MM-HH:MM [TIME_ZONE], e.g. "tue 02:00-04:00 Europe/Berlin"`,
    );
  const [from, to] = (words[at] ?? '').split('-').map((t) => t.padStart(5, '0'));
  return {
    ...(at === 1 ? { weekdays: (words[0] ?? '').toLowerCase().split(',') } : {}),
    from,
    to,
    ...(words[at + 1] === undefined ? {} : { timeZone: words[at + 1] }),
  };
}

/** `lookout silence add|list|expire`: silences and maintenance windows, through the alerter's API. */
export function silenceCommand(): Command {
  const silence = alerterOptions(new Command('silence').description(about.silence));
  const remote = (): Remote => silence.opts<Remote>();
  silence
    .command('add')
    .description('silence alerts matching every matcher, e.g. cluster="prod" broker="2"')
    .argument('<matchers...>', 'name="value", name!="value", name=~"regex" or name!~"regex"')
    .option('-d, --duration <duration>', 'how long, from the start (e.g. 2h)')
    .option('--start <time>', 'ISO 8601 start (default now)')
    .option('--end <time>', 'ISO 8601 end (instead of --duration)')
    .option(
      '--every <window>',
      'mute only in a recurring window, e.g. "tue,thu 02:00-04:00 Europe/Berlin" (days optional, zone UTC by default)',
    )
    .option('-a, --author <name>', 'who (default $USER)', process.env.USER)
    .requiredOption('-c, --comment <text>', 'why: the maintenance, the ticket')
    .action(
      async (
        matchers: string[],
        o: {
          duration?: string;
          start?: string;
          end?: string;
          every?: string;
          author?: string;
          comment: string;
        },
      ) => {
        if ((o.duration === undefined) === (o.end === undefined)) throw new Error('give --duration or --end');
        const body = {
          matchers,
          ...(o.every === undefined ? {} : { every: recurringWindow(o.every) }),
          createdBy: o.author ?? 'cli',
          comment: o.comment,
          ...(o.duration === undefined ? {} : { duration: o.duration }),
          ...(o.start === undefined ? {} : { startsAt: o.start }),
          ...(o.end === undefined ? {} : { endsAt: o.end }),
        };
        const s = (await api(remote(), '/api/silences', {
          method: 'POST',
          body: JSON.stringify(body),
        })) as SilenceOut;
        console.log(s.id);
        console.error(line(s));
      },
    );
  silence
    .command('list')
    .description('list silences (active and pending; --all adds expired ones)')
    .option('--all', 'include expired silences')
    .action(async (o: { all?: boolean }) => {
      const { silences } = (await api(remote(), '/api/silences')) as { silences: SilenceOut[] };
      const shown = silences.filter((s) => o.all === true || s.state !== 'expired');
      for (const s of shown) console.log(line(s));
      if (shown.length === 0) console.error('no silences');
    });
  silence
    .command('expire')
    .description('end silences now')
    .argument('<ids...>', 'silence ids (from list)')
    .action(async (ids: string[]) => {
      for (const id of ids) {
        const s = (await api(
          remote(),
          `/api/silences/${encodeURIComponent(id)}?by=${encodeURIComponent(process.env.USER ?? 'cli')}`,
          {
            method: 'DELETE',
          },
        )) as SilenceOut;
        console.log(line(s));
      }
    });
  return silence;
}
