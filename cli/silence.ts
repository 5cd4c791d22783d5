import { about } from './about.ts';
import { Command } from 'commander';
import { alerterOptions, api } from './alerter-api.ts';
import type { Remote } from './alerter-api.ts';

interface SilenceOut {
  id: string;
  matchers: { name: string; op: string; value: string }[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
  state: string;
}

const line = (s: SilenceOut): string =>
  [
    s.id,
    s.state.padEnd(7),
    new Date(s.startsAtMs).toISOString(),
    new Date(s.endsAtMs).toISOString(),
    s.createdBy,
    s.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(' '),
    `# ${s.comment}`,
  ].join('  ');

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
    .option('-a, --author <name>', 'who (default $USER)', process.env.USER)
    .requiredOption('-c, --comment <text>', 'why: the maintenance, the ticket')
    .action(
      async (
        matchers: string[],
        o: { duration?: string; start?: string; end?: string; author?: string; comment: string },
      ) => {
        if ((o.duration === undefined) === (o.end === undefined)) throw new Error('give --duration or --end');
        const body = {
          matchers,
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
