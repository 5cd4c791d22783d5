import type { Notification } from './notification.ts';

/**
 * An annotation's link made absolute over its base (`public_url` for runbooks and the page, `notify.links.grafana`
 * for dashboards); undefined when there is no link, or no base to make a relative one absolute: a relative link
 * would not open from an email or a pager, so none is sent.
 */
export function absoluteLink(base: string | undefined, path: string | undefined): string | undefined {
  if (path === undefined || path === '') return undefined;
  if (/^https?:\/\//.test(path)) return path;
  return base === undefined ? undefined : `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** An alert's runbook and dashboard as absolute links (each only when it can be made absolute). */
export function alertLinks(
  links: Notification['links'],
  annotations: Readonly<Record<string, string>>,
): { runbook?: string; dashboard?: string } {
  const runbook = absoluteLink(links.alerter, annotations.runbook);
  const dashboard = absoluteLink(links.grafana, annotations.dashboard);
  return {
    ...(runbook === undefined ? {} : { runbook }),
    ...(dashboard === undefined ? {} : { dashboard }),
  };
}
