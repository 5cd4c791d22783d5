import type { Labels } from '../../../model/src/labels.ts';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { IncidentView, Notification } from '../notify/notification.ts';
import type { Route } from './tree.ts';

/** A group of alerts told together: one route (or a platform incident) and one receiver queue. */
export interface Group {
  key: string;
  receiver: string;
  queue: string;
  route: Pick<Route, 'id' | 'group_wait' | 'group_interval' | 'repeat_interval'>;
  kind: Notification['kind'];
  labels: Labels;
  tenant?: string;
  alerts: TrackedAlert[];
  incident?: IncidentView;
}

/** Where an alert goes: one group of one route. */
export type Placement = Pick<Group, 'key' | 'receiver' | 'queue' | 'route' | 'labels' | 'tenant'>;

/** The labels a route groups by (`...`: all of them). */
export function groupLabels(by: readonly string[], labels: Labels): Labels {
  if (by.includes('...')) return labels;
  const out: Record<string, string> = {};
  for (const l of by) if (labels[l] !== undefined) out[l] = labels[l];
  return out;
}

/** What the dispatcher remembers of a group it told a receiver about (durable: survives restarts). */
export interface GroupLogEntry {
  groupKey: string;
  receiver: string;
  queue: string;
  routeId: string;
  kind: Notification['kind'];
  groupLabels: Labels;
  tenant?: string;
  /** Fingerprints of the alerts the last notification showed firing. */
  firing: string[];
  lastSentMs: number;
  incidentKey: string;
}

/** Why an alert is not notified. */
export interface Mute {
  silencedBy?: string;
  inhibitedBy?: { fingerprint: string; alertname: string };
}

/** How a receiver is addressed: to the owning tenant's contacts, to fixed addresses, or not by email. */
export interface ReceiverAddressing {
  perTenant: boolean;
  to?: string[];
}
