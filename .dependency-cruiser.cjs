/**
 * The dependency direction of docs/architecture.md, enforced:
 *   model ← collector;  model ← rules ← alerter;  model (← rules) ← dashboards;
 *   lab, test, bench and cli may use everything; nothing imports them (cli is the only assembler).
 *   Each third-party client is imported from one adapter folder only.
 */
const core = '^(model|collector|rules|alerter|dashboards)/';
// A module's own tests (e.g. collector/test/) may use the shared fixtures under test/.
const moduleTests = '^[a-z]+/test/';
module.exports = {
  forbidden: [
    {
      name: 'model-is-a-leaf',
      severity: 'error',
      from: { path: '^model/', pathNot: moduleTests },
      to: { path: '^(collector|rules|alerter|dashboards|lab|test|bench|cli)/' },
    },
    {
      name: 'collector-sees-model-only',
      severity: 'error',
      from: { path: '^collector/', pathNot: moduleTests },
      to: { path: '^(rules|alerter|dashboards|lab|test|bench|cli)/' },
    },
    {
      name: 'rules-see-model-only',
      severity: 'error',
      from: { path: '^rules/', pathNot: moduleTests },
      to: { path: '^(collector|alerter|dashboards|lab|test|bench|cli)/' },
    },
    {
      name: 'alerter-sees-model-and-rules',
      severity: 'error',
      from: { path: '^alerter/', pathNot: moduleTests },
      to: { path: '^(collector|dashboards|lab|test|bench|cli)/' },
    },
    {
      name: 'dashboards-see-model-and-rules',
      severity: 'error',
      from: { path: '^dashboards/', pathNot: moduleTests },
      to: { path: '^(collector|alerter|lab|test|bench|cli)/' },
    },
    {
      name: 'nothing-imports-harnesses',
      severity: 'error',
      from: { path: core, pathNot: moduleTests },
      to: { path: '^(lab|test|bench|cli)/' },
    },
    {
      name: 'lab-is-not-a-test',
      severity: 'error',
      from: { path: '^lab/' },
      to: { path: '^(test|bench|cli)/' },
    },
    {
      name: 'only-the-cli-imports-the-cli',
      severity: 'error',
      from: { pathNot: '^(cli|bin)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'kafkajs-behind-one-adapter',
      severity: 'error',
      from: { pathNot: '^collector/src/kafka/' },
      to: { path: 'node_modules/kafkajs/' },
    },
    {
      name: 're2js-behind-one-adapter',
      severity: 'error',
      comment: 'regular expressions with RE2 semantics: model/src/regex.ts',
      from: { pathNot: '^model/src/regex\\.ts$' },
      to: { path: 'node_modules/re2js/' },
    },
    {
      name: 'js-yaml-behind-one-adapter',
      severity: 'error',
      comment: "config files' quick read: model/src/config-file.ts",
      from: { pathNot: '^model/src/config-file\\.ts$' },
      to: { path: 'node_modules/js-yaml/' },
    },
    {
      name: 'influx-behind-adapters',
      severity: 'error',
      comment: 'each service has one influx.ts adapter',
      from: { pathNot: '(^|/)influx\\.ts$' },
      to: { path: 'node_modules/influx/' },
    },
    {
      name: 'sqlite-behind-the-store',
      severity: 'error',
      from: { pathNot: '^alerter/src/store/' },
      to: { path: 'node_modules/better-sqlite3/' },
    },
    {
      name: 'express-behind-the-api',
      severity: 'error',
      from: { pathNot: '^alerter/src/api/http\\.ts$' },
      to: { path: 'node_modules/express/' },
    },
    {
      name: 'nodemailer-behind-the-smtp-adapter',
      severity: 'error',
      from: { pathNot: '^alerter/src/notify/smtp\\.ts$' },
      to: { path: 'node_modules/nodemailer/' },
    },
    {
      name: 'route-above-notify',
      comment:
        'Routing decides, notify/ delivers: route/ may use notify/ (the notification), never the reverse.',
      severity: 'error',
      from: { path: '^alerter/src/notify/' },
      to: { path: '^alerter/src/route/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dashboards/out/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
