/**
 * The alerter's web page, for on-call and for tenants. Alerts: firing, pending and resolved apart, grouped by
 * incident (the dispatcher's groups), each with since when, value against threshold, summary, description,
 * evidence, runbook and dashboard links, and "Silence…", which pre-fills a silence from the alert. Silences:
 * one-off or recurring (a mute timing), with a live preview of the alerts a silence would mute. Tenants: a
 * tenant's alerts, its consumer groups now (lag in messages and seconds, state, members), a lag chart over the
 * last hours (uPlot, served at /assets/) and its topics' produce rates. Plain HTML and a script over the JSON
 * API; the token is kept in the browser's session storage. Every time is shown as "5m ago" with its ISO 8601.
 */
export const webPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Lookout</title>
<link rel="stylesheet" href="/assets/uplot.css">
<script src="/assets/uplot.js"></script>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;max-width:1200px}
nav button{margin-right:.5rem}
nav button.on{font-weight:bold}
table{border-collapse:collapse;width:100%;margin-top:.5rem}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;font-size:.9rem;vertical-align:top}
th{background:#f4f4f4}
.page{color:#b00}.ticket{color:#a60}.info{color:#268}
.muted{opacity:.55}
#error{color:#b00;min-height:1.2rem}
form input,form select{margin:.2rem .4rem .2rem 0}
.incident{border:1px solid #ccc;border-radius:6px;margin:.6rem 0;padding:.4rem .7rem}
.incident h4{margin:.2rem 0;font-size:.95rem}
.incident h4 .count{font-weight:normal;color:#666}
.alert{border-top:1px dashed #ddd;padding:.4rem 0}
.alert:first-of-type{border-top:none}
.alert .head{display:flex;gap:.8rem;align-items:baseline;flex-wrap:wrap}
.alert .name{font-weight:bold}
.alert .labels,.alert .evidence{font-size:.8rem;color:#555}
.alert.target{background:#fff7d6}
details{font-size:.85rem}
#preview{font-size:.85rem;margin:.3rem 0 .8rem}
#preview .refused{color:#b00}
fieldset{border:1px solid #ddd;margin:.4rem 0}
.chart{margin:.5rem 0}
</style>
</head>
<body>
<h1>Lookout</h1>
<p><label>Token <input id="token" type="password" autocomplete="off" size="40"></label>
<button id="use-token">Use</button> <span id="whoami"></span></p>
<nav><button data-tab="alerts" class="on">Alerts</button><button data-tab="silences">Silences</button><button data-tab="tenants">Tenants</button></nav>
<p id="error" role="alert"></p>
<section id="alerts">
<form id="filters">
<select name="severity"><option value="">any severity</option><option>page</option><option>ticket</option><option>info</option></select>
<input name="cluster" placeholder="cluster"><input name="tenant" placeholder="tenant">
<button>Filter</button>
</form>
<h2>Firing <span id="firing-count"></span></h2><div id="firing"></div>
<h2>Pending <span id="pending-count"></span></h2><div id="pending"></div>
<h2>Resolved <span id="resolved-count"></span></h2><div id="resolved"></div>
</section>
<section id="silences" hidden>
<form id="new-silence">
<input name="matchers" size="50" placeholder='matchers, e.g. cluster="prod" broker="2"' required>
<input name="duration" size="6" value="2h" required title="how long from now (recurring: how long the mute timing lasts, e.g. 90d)">
<input name="createdBy" placeholder="author" required>
<input name="comment" size="30" placeholder="comment (why)" required>
<fieldset><legend><label><input type="checkbox" name="recurring"> recurring (a mute timing)</label></legend>
<span id="weekdays"></span>
<input name="from" size="5" value="02:00" title="from (HH:MM)"> to <input name="to" size="5" value="04:00" title="to (HH:MM)">
<input name="timeZone" size="16" value="UTC" title="IANA time zone">
</fieldset>
<button>Silence</button>
</form>
<div id="preview"></div>
<table><thead><tr><th>Matchers</th><th>State</th><th>Starts</th><th>Ends</th><th>Recurs</th><th>By</th><th>Comment</th><th></th></tr></thead><tbody id="silence-rows"></tbody></table>
</section>
<section id="tenants" hidden>
<table><thead><tr><th>Tenant</th><th>Firing</th><th>Pending</th><th>Contacts</th><th>Topics</th><th>Groups</th></tr></thead><tbody id="tenant-rows"></tbody></table>
<h3 id="tenant-title"></h3>
<div id="tenant-alerts"></div>
<h3 id="groups-title"></h3>
<table><thead><tr><th>Group</th><th>Cluster</th><th>Protocol</th><th>State</th><th>Members</th><th>Partitions held</th><th>Lag (messages)</th><th>Lag (s)</th><th>Read</th></tr></thead><tbody id="tenant-groups"></tbody></table>
<h3 id="chart-title"></h3>
<p id="chart-controls" hidden><label>Last <select id="hours"><option value="1" selected>1 hour</option><option value="3">3 hours</option><option value="6">6 hours</option><option value="24">24 hours</option></select></label></p>
<div id="lag-chart" class="chart"></div><div id="lag-seconds-chart" class="chart"></div>
<h3 id="topics-title"></h3>
<table><thead><tr><th>Topic</th><th>Cluster</th><th>Messages/s</th><th>Partitions</th></tr></thead><tbody id="tenant-topics"></tbody></table>
</section>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'})[c]);
$('token').value = sessionStorage.getItem('lookout-token') || '';
async function api(path, init = {}) {
  const token = sessionStorage.getItem('lookout-token');
  const headers = { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) };
  const res = await fetch(path, { ...init, headers });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body.error || res.statusText) + (body.details ? ': ' + body.details.join('; ') : ''));
  $('error').textContent = '';
  return body;
}
const fail = (e) => { $('error').textContent = e.message; };
const labels = (l) => Object.entries(l).map(([k, v]) => esc(k) + '=' + esc(v)).join(' ');
const num = (v) => v === undefined || v === null ? '' : Number(v).toLocaleString('en', { maximumFractionDigits: 1 });
/** "12m ago" (or "in 2h"), with the ISO time to hover. */
function ago(t) {
  if (!t) return '';
  const d = (Date.now() - Date.parse(t)) / 1000;
  const s = Math.abs(d);
  const text = s < 90 ? Math.round(s) + 's' : s < 5400 ? Math.round(s / 60) + 'm' : s < 172800 ? Math.round(s / 3600) + 'h' : Math.round(s / 86400) + 'd';
  return '<time datetime="' + esc(t) + '" title="' + esc(t) + '">' + (d >= 0 ? text + ' ago' : 'in ' + text) + '</time>';
}
let whoami = { role: 'none' };
const instance = (l) => Object.entries(l).filter(([k]) => k !== 'severity');
function alertBlock(a) {
  const muted = a.silencedBy ? 'silenced' : a.inhibitedBy ? 'inhibited by ' + esc(a.inhibitedBy.alertname) : '';
  const since = a.phase === 'resolved' ? 'resolved ' + ago(a.resolvedAt) : a.phase === 'firing' ? 'firing since ' + ago(a.firedAt) : 'pending since ' + ago(a.activeSince);
  const vs = a.threshold === undefined ? 'value ' + num(a.value) : 'value ' + num(a.value) + ' against threshold ' + num(a.threshold);
  const links = [a.links && a.links.runbook ? '<a href="' + esc(a.links.runbook) + '">runbook</a>' : '', a.links && a.links.dashboard ? '<a href="' + esc(a.links.dashboard) + '">dashboard</a>' : ''].filter(Boolean).join(' · ');
  const evidence = (a.affected || []).slice(0, 5).map((r) => labels(r.labels) + ': ' + num(r.value)).join('<br>');
  const more = a.affected && a.affected.length > 5 ? '<br>… and ' + (a.affected.length - 5) + ' more' : '';
  const silence = whoami.role === 'operator' && a.phase !== 'resolved' ? ' <button data-silence="' + esc(a.fingerprint) + '">Silence…</button>' : '';
  return '<div class="alert' + (muted ? ' muted' : '') + '" id="alert-' + esc(a.fingerprint) + '" data-fingerprint="' + esc(a.fingerprint) + '">' +
    '<div class="head"><span class="name">' + esc(a.rule) + '</span><span class="' + esc(a.severity) + '">' + esc(a.severity) + '</span><span class="since">' + since + '</span>' +
    '<span class="value">' + vs + '</span>' + (a.owner ? '<span>owner ' + esc(a.owner) + '</span>' : '') + (muted ? '<span>' + muted + '</span>' : '') + (links ? '<span>' + links + '</span>' : '') + silence + '</div>' +
    '<div class="summary">' + esc(a.annotations.summary) + '</div>' +
    (a.annotations.description ? '<details><summary>description</summary>' + esc(a.annotations.description) + '</details>' : '') +
    (evidence ? '<div class="evidence">' + evidence + more + '</div>' : '') +
    '<div class="labels">' + labels(a.labels) + '</div></div>';
}
const worst = (as) => ['page', 'ticket', 'info'].find((s) => as.some((a) => a.severity === s)) || 'info';
/** Alerts in incidents: one box per dispatcher group, worst first, then by size. */
function incidents(alerts) {
  const groups = new Map();
  for (const a of alerts) {
    const key = JSON.stringify([a.incident.receiver, a.incident.labels]);
    if (!groups.has(key)) groups.set(key, { incident: a.incident, alerts: [] });
    groups.get(key).alerts.push(a);
  }
  const order = { page: 0, ticket: 1, info: 2 };
  return [...groups.values()].sort((x, y) => order[worst(x.alerts)] - order[worst(y.alerts)] || y.alerts.length - x.alerts.length)
    .map((g) => '<div class="incident"><h4><span class="' + worst(g.alerts) + '">' + esc(g.incident.labels.alertname || worst(g.alerts)) + '</span> ' +
      labels(Object.fromEntries(Object.entries(g.incident.labels).filter(([k]) => k !== 'alertname'))) +
      ' <span class="count">' + g.alerts.length + ' alert' + (g.alerts.length === 1 ? '' : 's') + ' · ' + (g.incident.receiver === 'none' ? 'not notified' : 'to ' + esc(g.incident.receiver)) + '</span></h4>' +
      g.alerts.map(alertBlock).join('') + '</div>').join('');
}
let shown = [];
function showAlerts(into, alerts) {
  for (const phase of ['firing', 'pending', 'resolved']) {
    const of = alerts.filter((a) => a.phase === phase);
    $(into + phase).innerHTML = of.length ? incidents(of) : '<p>None</p>';
    if ($(into + phase + '-count')) $(into + phase + '-count').textContent = '(' + of.length + ')';
  }
}
async function loadAlerts() {
  const q = new URLSearchParams([...new FormData($('filters'))].filter(([, v]) => v !== ''));
  const { alerts } = await api('/api/alerts?' + q);
  shown = alerts;
  showAlerts('', alerts);
  const target = /^#alert=([0-9a-f]+)$/.exec(location.hash);
  const el = target && $('alert-' + target[1]);
  if (el) { el.classList.add('target'); el.scrollIntoView({ block: 'center' }); }
}
const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
$('weekdays').innerHTML = days.map((d) => '<label><input type="checkbox" name="day" value="' + d + '">' + d + '</label> ').join('');
function silenceBody() {
  const form = $('new-silence');
  const f = new FormData(form);
  const text = String(f.get('matchers') || '');
  const matchers = text.match(/[a-zA-Z_][a-zA-Z0-9_]*\\s*(=~|!~|!=|=)\\s*("(?:[^"\\\\]|\\\\.)*"|\\S+)/g) || [text];
  const picked = f.getAll('day');
  const every = f.get('recurring') ? { ...(picked.length ? { weekdays: picked } : {}), from: f.get('from'), to: f.get('to'), timeZone: f.get('timeZone') } : undefined;
  return { matchers, duration: f.get('duration'), createdBy: f.get('createdBy') || 'preview', comment: f.get('comment') || 'preview', ...(every ? { every } : {}) };
}
let previewTimer;
function preview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => {
    if (!$('new-silence').matchers.value.trim()) { $('preview').innerHTML = ''; return; }
    fetch('/api/silences/preview', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + sessionStorage.getItem('lookout-token') }, body: JSON.stringify(silenceBody()) })
      .then((r) => r.json().then((b) => ({ ok: r.ok, b })))
      .then(({ ok, b }) => {
        if (!ok) { $('preview').innerHTML = '<span class="refused">' + esc(b.error) + (b.details ? ': ' + esc(b.details.join('; ')) : '') + '</span>'; return; }
        $('preview').innerHTML = (b.refused ? '<p class="refused">Would be refused: ' + esc(b.refused) + '</p>' : '') +
          '<p id="preview-count">Would mute ' + b.matches.length + ' alert' + (b.matches.length === 1 ? '' : 's') + ' now' + (b.matches.length ? ':' : '.') + '</p>' +
          '<ul>' + b.matches.map((a) => '<li>' + esc(a.rule) + ' (' + esc(a.phase) + ') ' + labels(a.labels) + '</li>').join('') + '</ul>';
      }).catch(fail);
  }, 250);
}
$('new-silence').addEventListener('input', preview);
/** "Silence…" on an alert: its name and identifying labels as matchers, then the preview. */
function silenceFrom(fp) {
  const a = shown.find((x) => x.fingerprint === fp);
  if (!a) return;
  show('silences');
  $('new-silence').matchers.value = instance(a.labels).map(([k, v]) => k + '=' + JSON.stringify(v)).join(' ');
  $('new-silence').comment.focus();
  preview();
}
const recurs = (e) => e ? esc((e.weekdays.length === 7 ? 'daily' : e.weekdays.join(',')) + ' ' + e.from + '–' + e.to + ' ' + e.timeZone) : '';
async function loadSilences() {
  const { silences } = await api('/api/silences');
  $('silence-rows').innerHTML = silences.map((s) => '<tr><td>' + s.matchers.map((m) => esc(m.name + m.op + JSON.stringify(m.value))).join(' ') + '</td><td>' + esc(s.state) +
    '</td><td>' + ago(s.startsAt) + '</td><td>' + ago(s.endsAt) + '</td><td>' + recurs(s.every) +
    '</td><td>' + esc(s.createdBy) + '</td><td>' + esc(s.comment) +
    '</td><td>' + (s.state === 'expired' ? '' : '<button data-expire="' + esc(s.id) + '">Expire</button>') + '</td></tr>').join('') || '<tr><td colspan="8">No silences</td></tr>';
}
async function loadTenants() {
  const { tenants } = await api('/api/tenants');
  $('tenant-rows').innerHTML = tenants.map((t) => '<tr><td><a href="#" data-tenant="' + esc(t.name) + '">' + esc(t.name) + '</a></td><td>' + t.alerts.firing + '</td><td>' + t.alerts.pending +
    '</td><td>' + esc(t.contacts.join(', ')) + '</td><td>' + esc(t.topics.join(', ')) + '</td><td>' + esc(t.groups.join(', ')) + '</td></tr>').join('') || '<tr><td colspan="6">No tenants</td></tr>';
  if (tenants.length === 1 || current) showTenant(current || tenants[0].name).catch(fail);
}
let current;
const charts = [];
function chart(into, title, data, names) {
  const width = Math.min(1100, document.body.clientWidth - 20);
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
  charts.push(new uPlot({ title, width, height: 220, series: [{}, ...names.map((n, i) => ({ label: n, stroke: colors[i % colors.length], spanGaps: false }))], axes: [{}, { size: 70 }] }, data, $(into)));
}
async function showTenant(name) {
  current = name;
  const base = '/api/tenants/' + encodeURIComponent(name);
  const { alerts } = await api(base + '/alerts');
  $('tenant-title').textContent = 'Alerts of ' + name;
  shown = alerts;
  $('tenant-alerts').innerHTML = ['firing', 'pending', 'resolved'].map((p) => '<h4>' + p[0].toUpperCase() + p.slice(1) + ' <span id="t-' + p + '-count"></span></h4><div id="t-' + p + '"></div>').join('');
  showAlerts('t-', alerts);
  $('groups-title').textContent = 'Consumer groups of ' + name;
  $('topics-title').textContent = 'Topics of ' + name;
  $('chart-title').textContent = 'Lag of ' + name + "'s groups";
  const notRead = (into, cols) => (e) => { $(into).innerHTML = '<tr><td colspan="' + cols + '">Not read: ' + esc(e.message) + '</td></tr>'; };
  const [groups, history, topics] = await Promise.all([
    api(base + '/groups').then((b) => b.groups, notRead('tenant-groups', 9)),
    api(base + '/lag-history?hours=' + $('hours').value).catch((e) => { $('lag-chart').textContent = 'Not read: ' + e.message; }),
    api(base + '/topics').then((b) => b.topics, notRead('tenant-topics', 4)),
  ]);
  if (groups) $('tenant-groups').innerHTML = groups.map((g) => '<tr><td>' + esc(g.group) + '</td><td>' + esc(g.cluster) + '</td><td>' + esc(g.protocol) + '</td><td>' + esc(g.state) + (g.rebalancing ? ' (rebalancing)' : '') + '</td><td>' + num(g.members) +
    '</td><td>' + num(g.assignedPartitions) + '</td><td>' + num(g.lagMessages) + '</td><td>' + num(g.lagSeconds) + '</td><td>' + ago(g.at) + '</td></tr>').join('') || '<tr><td colspan="9">No groups stored in the last 2 minutes</td></tr>';
  if (topics) $('tenant-topics').innerHTML = topics.map((t) => '<tr><td>' + esc(t.topic) + '</td><td>' + esc(t.cluster) + '</td><td>' + num(t.messagesPerSecond) + '</td><td>' + t.partitions + '</td></tr>').join('') || '<tr><td colspan="4">No topics stored in the last 2 minutes</td></tr>';
  while (charts.length) charts.pop().destroy();
  $('chart-controls').hidden = false;
  if (!history) return;
  if (history.groups.length === 0) { $('lag-chart').textContent = 'No lag stored in this time.'; return; }
  $('lag-chart').textContent = '';
  // One time axis for every group: the union of their buckets, a gap where a group has none.
  const times = [...new Set(history.groups.flatMap((g) => g.times))].sort();
  const at = (g, field) => { const m = new Map(g.times.map((t, i) => [t, g[field][i]])); return times.map((t) => m.has(t) ? m.get(t) : null); };
  const xs = times.map((t) => Date.parse(t) / 1000);
  const names = history.groups.map((g) => g.group + (history.groups.some((o) => o.cluster !== g.cluster) ? ' (' + g.cluster + ')' : ''));
  chart('lag-chart', 'Lag (messages), worst of each ' + history.stepSeconds + ' s', [xs, ...history.groups.map((g) => at(g, 'lagMessages'))], names);
  chart('lag-seconds-chart', 'Lag (seconds)', [xs, ...history.groups.map((g) => at(g, 'lagSeconds'))], names);
}
$('hours').addEventListener('change', () => { if (current) showTenant(current).catch(fail); });
const loaders = { alerts: loadAlerts, silences: loadSilences, tenants: loadTenants };
let tab = 'alerts';
function show(name) {
  tab = name;
  for (const b of document.querySelectorAll('nav button')) b.classList.toggle('on', b.dataset.tab === name);
  for (const s of document.querySelectorAll('body > section')) s.hidden = s.id !== name;
  loaders[name]().catch(fail);
}
document.querySelector('nav').addEventListener('click', (e) => { if (e.target.dataset.tab) show(e.target.dataset.tab); });
function useToken() {
  // What the last token was shown goes: nothing of one caller stays on screen for the next.
  for (const id of ['firing', 'pending', 'resolved', 'tenant-alerts', 'silence-rows', 'preview']) $(id).innerHTML = '';
  api('/api/whoami').then((w) => { whoami = w; $('whoami').textContent = w.role === 'tenant' ? 'tenant ' + w.tenant : w.role; show(w.role === 'tenant' ? 'tenants' : tab); }).catch(fail);
}
$('use-token').addEventListener('click', () => { sessionStorage.setItem('lookout-token', $('token').value.trim()); useToken(); });
$('filters').addEventListener('submit', (e) => { e.preventDefault(); loadAlerts().catch(fail); });
document.body.addEventListener('click', (e) => { const fp = e.target.dataset && e.target.dataset.silence; if (fp) silenceFrom(fp); });
$('new-silence').addEventListener('submit', (e) => {
  e.preventDefault();
  api('/api/silences', { method: 'POST', body: JSON.stringify(silenceBody()) })
    .then(() => { e.target.reset(); $('preview').innerHTML = ''; loadSilences(); }).catch(fail);
});
$('silence-rows').addEventListener('click', (e) => {
  const id = e.target.dataset.expire;
  if (id) api('/api/silences/' + id + '?by=web', { method: 'DELETE' }).then(loadSilences).catch(fail);
});
$('tenant-rows').addEventListener('click', (e) => { const t = e.target.dataset.tenant; if (t) { e.preventDefault(); showTenant(t).catch(fail); } });
if (sessionStorage.getItem('lookout-token')) useToken(); else show('alerts');
setInterval(() => { if (tab !== 'silences') loaders[tab]().catch(fail); }, 15000);
</script>
</body>
</html>
`;
