import type { EvidenceRow } from '../../../rules/src/evaluate.ts';
import { formatValue } from '../../../rules/src/evaluate.ts';
import { alertLinks } from './links.ts';
import type { Notification, NotifiedAlert } from './notification.ts';

/** An email as the SMTP adapter sends it. */
export interface Email {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Threads every email of one incident together. */
  incidentKey: string;
  messageId: string;
}

const escape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const rowText = (r: EvidenceRow): string =>
  `${Object.entries(r.labels)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}: ${formatValue(r.value)}`;

/** The subject: status, severity, what and where (`[FIRING ticket] ConsumerLagHigh: group x (lab)`). */
export function emailSubject(n: Notification): string {
  const status = n.status === 'firing' ? 'FIRING' : 'RESOLVED';
  if (n.kind === 'incident')
    return `[${status}] Platform incident on ${n.groupLabels.cluster ?? 'Kafka'}: ${n.alerts[0]?.annotations.summary ?? ''}`;
  const severity = n.alerts[0]?.severity ?? 'info';
  const names = [...new Set(n.alerts.map((a) => a.labels.alertname ?? ''))].join(', ');
  const objects = [
    ...new Set(n.alerts.map((a) => a.labels.group ?? a.labels.topic ?? a.labels.broker ?? '')),
  ].filter((o) => o !== '');
  const what =
    objects.length === 0 ? '' : `: ${objects.slice(0, 3).join(', ')}${objects.length > 3 ? ' …' : ''}`;
  return `[${status} ${severity}] ${names}${what} (${n.groupLabels.cluster ?? 'all clusters'})`;
}

interface Section {
  title: string;
  lines: string[];
  links: { text: string; href: string }[];
}

function alertSection(a: NotifiedAlert, n: Notification): Section {
  const lines = [
    a.annotations.summary ?? a.labels.alertname ?? '',
    ...(a.annotations.description === undefined ? [] : [a.annotations.description]),
    `Value: ${formatValue(a.value)} · since ${new Date(a.startsAtMs).toISOString()}${a.endsAtMs === undefined ? '' : ` · resolved ${new Date(a.endsAtMs).toISOString()}`}`,
    `Labels: ${Object.entries(a.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    ...(n.tenant === undefined ? [] : [`Owner: ${n.tenant}`]),
    ...(a.affected === undefined
      ? []
      : ['Affected:', ...a.affected.slice(0, 20).map((r) => `  ${rowText(r)}`)]),
  ];
  const { runbook, dashboard } = alertLinks(n.links, a.annotations);
  const links = [
    ...(runbook === undefined ? [] : [{ text: 'Runbook', href: runbook }]),
    ...(dashboard === undefined ? [] : [{ text: 'Dashboard', href: dashboard }]),
  ];
  return {
    title: `${a.status === 'firing' ? 'Firing' : 'Resolved'}: ${a.labels.alertname ?? ''}`,
    lines,
    links,
  };
}

function incidentSections(n: Notification): Section[] {
  const i = n.incident;
  const source = n.alerts[0];
  if (n.status === 'resolved' || i === undefined)
    return [
      {
        title: 'Resolved: platform incident',
        lines: [
          `The platform incident is over: ${source?.annotations.summary ?? ''}.`,
          'Alerts of your own topics and groups are sent again as usual.',
        ],
        links: [],
      },
    ];
  return [
    {
      title: `Platform incident on ${i.cluster}`,
      lines: [
        `${i.summary}. The platform operators are paged and working on it; you do not need to act.`,
        `Since ${new Date(source?.startsAtMs ?? n.createdAtMs).toISOString()}.`,
        ...(i.topics.length === 0
          ? []
          : ['Your topics with under-replicated partitions:', ...i.topics.map((r) => `  ${rowText(r)}`)]),
        ...(i.held.length === 0
          ? []
          : [
              'Your alerts held back while it lasts:',
              ...i.held.map((h) => `  ${h.alertname}: ${h.summary}`),
            ]),
      ],
      links: [],
    },
  ];
}

/** Renders a notification as an email (text and HTML) to the addresses it carries. */
export function renderEmail(n: Notification, id: number): Email {
  const sections = n.kind === 'incident' ? incidentSections(n) : n.alerts.map((a) => alertSection(a, n));
  const footer = `Lookout · incident ${n.incidentKey}${n.links.alerter === undefined ? '' : ` · ${n.links.alerter}`}`;
  const text = [
    ...sections.map((s) =>
      [s.title, '-'.repeat(s.title.length), ...s.lines, ...s.links.map((l) => `${l.text}: ${l.href}`)].join(
        '\n',
      ),
    ),
    footer,
  ].join('\n\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">${sections
    .map(
      (s) =>
        `<h3>${escape(s.title)}</h3>${s.lines
          .map((l) => (l.startsWith('  ') ? `<li>${escape(l.trim())}</li>` : `<p>${escape(l)}</p>`))
          .join('')
          .replace(/(<li>.*?<\/li>)+/g, (m) => `<ul>${m}</ul>`)}${s.links
          .map((l) => `<a href="${escape(l.href)}">${escape(l.text)}</a> `)
          .join('')}`,
    )
    .join('<hr>')}<hr><small>${escape(footer)}</small></body></html>`;
  return {
    to: n.to ?? [],
    subject: emailSubject(n),
    text,
    html,
    incidentKey: n.incidentKey,
    messageId: `<${n.incidentKey}.${id}@lookout>`,
  };
}
