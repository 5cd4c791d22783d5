/**
 * Each top-level command's one line, the same in `lookout --help` (which loads no command: only the command run
 * is loaded, so a short call does not pay for Kafka's, InfluxDB's and the web server's modules) and in the
 * command's own help.
 */
export const about = {
  lab: 'a local KRaft Kafka cluster and InfluxDB on loopback, with fault controls',
  collect: 'scrape the cluster state (admin API) and the brokers (JMX exporter text, Jolokia) into InfluxDB',
  rules: 'check alerting rules and run their tests (no server needed)',
  alert: 'evaluate the rules over InfluxDB, keep alert state durable, serve /api/alerts and /api/rules',
  alerts: 'list the alerts of a running alerter (pending, firing, recently resolved)',
  silence: 'add, list and expire silences (maintenance windows) on a running alerter',
  tenants: 'check the tenants catalog; make tenant API tokens',
  dashboards: 'build the Grafana dashboards (JSON) from code',
  demo: "start the lab (or reuse a running one) with demo tenants' traffic; Ctrl-C stops what it started",
  traffic:
    "produce and consume the demo tenants' traffic on a Kafka cluster (creates their topics); Ctrl-C stops",
  receiver: 'a webhook receiver for the on-call pager: prints every page it receives as one JSON line',
  schema: 'print the InfluxDB schema (measurements, tags, typed fields) as Markdown',
} as const;
