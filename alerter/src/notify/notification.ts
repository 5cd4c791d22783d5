import type { Labels } from '../../../model/src/labels.ts';
import type { EvidenceRow } from '../../../rules/src/evaluate.ts';
import type { Rule } from '../../../rules/src/schema.ts';

type Severity = Rule['severity'];

/** One alert as a notification shows it. */
export interface NotifiedAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Record<string, string>;
  severity: Severity;
  value: number;
  startsAtMs: number;
  endsAtMs?: number;
  /** What it affects (topics, log dirs…), for a tenant only that tenant's own. */
  affected?: EvidenceRow[];
}

/** An alert an operator page's alerts hide (inhibited): listed so the one page shows what it affects. */
export interface SuppressedAlert {
  alertname: string;
  labels: Labels;
  summary: string;
  affected?: EvidenceRow[];
}

/** A platform incident as one tenant is told about it: only that tenant's topics and alerts. */
export interface IncidentView {
  summary: string;
  cluster: string;
  /** The tenant's topics the incident affects (under-replicated partitions per topic). */
  topics: EvidenceRow[];
  /** The tenant's own alerts held back while the incident lasts. */
  held: { alertname: string; labels: Labels; summary: string }[];
}

/** What the dispatcher decided to tell a receiver; stored in the outbox, rendered by the receiver's format. */
export interface Notification {
  receiver: string;
  /** The delivery queue (a receiver, or a receiver and a tenant): one slow queue never delays another. */
  queue: string;
  groupKey: string;
  /** Stable per group: the dedup key of a page, the thread of an email. */
  incidentKey: string;
  kind: 'alerts' | 'incident';
  status: 'firing' | 'resolved';
  groupLabels: Labels;
  tenant?: string;
  /** Addresses (email receivers), resolved from the catalog when the notification was made. */
  to?: string[];
  alerts: NotifiedAlert[];
  suppressed: SuppressedAlert[];
  incident?: IncidentView;
  createdAtMs: number;
  /** Links: the alerter's web page, Grafana. */
  links: { alerter?: string; grafana?: string };
}

/** A notification in the outbox. */
export interface Queued {
  id: number;
  notification: Notification;
  attempts: number;
  dueMs: number;
  lastError?: string;
}
