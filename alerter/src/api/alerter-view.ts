import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { Labels } from '../../../model/src/labels.ts';
import type { Tenant } from '../../../model/src/tenants.ts';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { Rule } from '../../../rules/src/schema.ts';
import type { RuleStatus } from '../engine/engine.ts';
import type { GroupLag } from '../group-lag.ts';
import type { Notification } from '../notify/notification.ts';
import type { Mute, Placement } from '../route/group.ts';
import type { Silence, silenceInputSchema } from '../route/silences.ts';
import type { OutboxRow } from '../store/notify.ts';
import type { GroupView } from '../tenant-groups.ts';
import type { readLagHistory, TopicRate } from '../tenant-history.ts';
import type { Caller } from './auth.ts';

/** What the API reads and changes. */
export interface AlerterView {
  alerts(): TrackedAlert[];
  rules(): RuleStatus[];
  /** The rules as loaded (overrides applied), and the last evaluation of them all. */
  definitions(): readonly Rule[];
  lastEvaluation(): { atMs: number; durationMs: number } | undefined;
  health(): { healthy: boolean; reason?: string; lastEvaluationMs?: number };
  registry: Registry;
  /** The bases of absolute links: the alerter's public URL, Grafana's. */
  links: Notification['links'];
  caller(authorization: string | undefined): Caller;
  ownerOf(labels: Labels): string;
  /** An alert as a tenant may see it (other tenants' evidence removed). */
  forTenant(alert: TrackedAlert, tenant: string): TrackedAlert;
  /** The groups an alert is told in (the route stage's answer). */
  placements(alert: TrackedAlert): Placement[];
  tenants(): Tenant[];
  /** The consumer groups the collector stored lately, of one tenant or (undefined) all. */
  groups(tenant: string | undefined): Promise<GroupView[]>;
  /** One group's newest lag, per partition; undefined when not stored lately. */
  groupLag(cluster: string, group: string): Promise<GroupLag | undefined>;
  /** A tenant's groups' lag over the last hours, and its topics' produce rates now. */
  lagHistory(tenant: string, hours: number): ReturnType<typeof readLagHistory>;
  topicRates(tenant: string): Promise<TopicRate[]>;
  muted(): ReadonlyMap<string, Mute>;
  silences(): Silence[];
  addSilence(input: z.output<typeof silenceInputSchema>): Silence;
  previewSilence(input: z.output<typeof silenceInputSchema>): { matches: TrackedAlert[]; refused?: string };
  expireSilence(id: string, by: string): Silence | undefined;
  notifications(limit: number): OutboxRow[];
  now(): number;
}
