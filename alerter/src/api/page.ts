/**
 * The alerter's web page: active alerts (filters), silences (create, expire), and a tenant view (its alerts and
 * its consumer groups: protocol, members, partitions held, lag). Plain HTML
 * and a little script over the JSON API; the token is kept in the browser's session storage.
 */
export const webPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Lookout alerts</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
nav button{margin-right:.5rem}
nav button.on{font-weight:bold}
table{border-collapse:collapse;width:100%;margin-top:.5rem}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;font-size:.9rem;vertical-align:top}
.page{color:#b00}.ticket{color:#a60}.info{color:#268}
.muted{opacity:.55}
#error{color:#b00;min-height:1.2rem}
form input,form select{margin:.2rem .4rem .2rem 0}
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
<select name="state"><option value="">any state</option><option>firing</option><option>pending</option><option>resolved</option></select>
<select name="severity"><option value="">any severity</option><option>page</option><option>ticket</option><option>info</option></select>
<input name="cluster" placeholder="cluster"><input name="tenant" placeholder="tenant">
<button>Filter</button>
</form>
<table><thead><tr><th>Alert</th><th>State</th><th>Severity</th><th>Summary</th><th>Owner</th><th>Labels</th><th>Muted</th></tr></thead><tbody id="alert-rows"></tbody></table>
</section>
<section id="silences" hidden>
<form id="new-silence">
<input name="matchers" size="50" placeholder='matchers, e.g. cluster="prod" broker="2"' required>
<input name="duration" size="6" value="2h" required>
<input name="createdBy" placeholder="author" required>
<input name="comment" size="30" placeholder="comment (why)" required>
<button>Silence</button>
</form>
<table><thead><tr><th>Matchers</th><th>State</th><th>Starts</th><th>Ends</th><th>By</th><th>Comment</th><th></th></tr></thead><tbody id="silence-rows"></tbody></table>
</section>
<section id="tenants" hidden>
<table><thead><tr><th>Tenant</th><th>Firing</th><th>Pending</th><th>Contacts</th><th>Topics</th><th>Groups</th></tr></thead><tbody id="tenant-rows"></tbody></table>
<h3 id="tenant-title"></h3>
<table><tbody id="tenant-alerts"></tbody></table>
<h3 id="groups-title"></h3>
<table><thead><tr><th>Group</th><th>Cluster</th><th>Protocol</th><th>Members</th><th>Partitions held</th><th>Rebalancing</th><th>Lag (messages)</th><th>Lag (s)</th></tr></thead><tbody id="tenant-groups"></tbody></table>
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
function alertRow(a) {
  const muted = a.silencedBy ? 'silenced' : a.inhibitedBy ? 'by ' + esc(a.inhibitedBy.alertname) : '';
  return '<tr class="' + (muted ? 'muted' : '') + '"><td>' + esc(a.rule) + '</td><td>' + esc(a.phase) + '</td><td class="' + esc(a.severity) + '">' + esc(a.severity) +
    '</td><td>' + esc(a.annotations.summary) + '</td><td>' + esc(a.owner) + '</td><td>' + labels(a.labels) + '</td><td>' + muted + '</td></tr>';
}
async function loadAlerts() {
  const q = new URLSearchParams([...new FormData($('filters'))].filter(([, v]) => v !== ''));
  const { alerts } = await api('/api/alerts?' + q);
  $('alert-rows').innerHTML = alerts.map(alertRow).join('') || '<tr><td colspan="7">No alerts</td></tr>';
}
async function loadSilences() {
  const { silences } = await api('/api/silences');
  $('silence-rows').innerHTML = silences.map((s) => '<tr><td>' + s.matchers.map((m) => esc(m.name + m.op + JSON.stringify(m.value))).join(' ') + '</td><td>' + esc(s.state) +
    '</td><td>' + new Date(s.startsAtMs).toISOString() + '</td><td>' + new Date(s.endsAtMs).toISOString() + '</td><td>' + esc(s.createdBy) + '</td><td>' + esc(s.comment) +
    '</td><td>' + (s.state === 'expired' ? '' : '<button data-expire="' + esc(s.id) + '">Expire</button>') + '</td></tr>').join('') || '<tr><td colspan="7">No silences</td></tr>';
}
async function loadTenants() {
  const { tenants } = await api('/api/tenants');
  $('tenant-rows').innerHTML = tenants.map((t) => '<tr><td><a href="#" data-tenant="' + esc(t.name) + '">' + esc(t.name) + '</a></td><td>' + t.alerts.firing + '</td><td>' + t.alerts.pending +
    '</td><td>' + esc(t.contacts.join(', ')) + '</td><td>' + esc(t.topics.join(', ')) + '</td><td>' + esc(t.groups.join(', ')) + '</td></tr>').join('') || '<tr><td colspan="6">No tenants</td></tr>';
  if (tenants.length === 1) showTenant(tenants[0].name);
}
async function showTenant(name) {
  const { alerts } = await api('/api/tenants/' + encodeURIComponent(name) + '/alerts');
  $('tenant-title').textContent = 'Alerts of ' + name;
  $('tenant-alerts').innerHTML = alerts.map(alertRow).join('') || '<tr><td>No alerts</td></tr>';
  $('groups-title').textContent = 'Consumer groups of ' + name;
  const groups = await api('/api/tenants/' + encodeURIComponent(name) + '/groups').then((b) => b.groups, (e) => {
    $('tenant-groups').innerHTML = '<tr><td colspan="8">Not read: ' + esc(e.message) + '</td></tr>';
  });
  if (groups === undefined) return;
  const n = (v) => v === undefined ? '' : esc(Math.round(v * 10) / 10);
  $('tenant-groups').innerHTML = groups.map((g) => '<tr><td>' + esc(g.group) + '</td><td>' + esc(g.cluster) + '</td><td>' + esc(g.protocol) + '</td><td>' + n(g.members) +
    '</td><td>' + n(g.assignedPartitions) + '</td><td>' + (g.rebalancing ? 'yes' : '') + '</td><td>' + n(g.lagMessages) + '</td><td>' + n(g.lagSeconds) + '</td></tr>').join('') || '<tr><td colspan="8">No groups stored in the last 2 minutes</td></tr>';
}
const loaders = { alerts: loadAlerts, silences: loadSilences, tenants: loadTenants };
let tab = 'alerts';
function show(name) {
  tab = name;
  for (const b of document.querySelectorAll('nav button')) b.classList.toggle('on', b.dataset.tab === name);
  for (const s of document.querySelectorAll('section')) s.hidden = s.id !== name;
  loaders[name]().catch(fail);
}
document.querySelector('nav').addEventListener('click', (e) => { if (e.target.dataset.tab) show(e.target.dataset.tab); });
$('use-token').addEventListener('click', () => {
  sessionStorage.setItem('lookout-token', $('token').value.trim());
  api('/api/whoami').then((w) => { $('whoami').textContent = w.role === 'tenant' ? 'tenant ' + w.tenant : w.role; show(w.role === 'tenant' ? 'tenants' : tab); }).catch(fail);
});
$('filters').addEventListener('submit', (e) => { e.preventDefault(); loadAlerts().catch(fail); });
$('new-silence').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = Object.fromEntries(new FormData(e.target));
  const matchers = f.matchers.match(/[a-zA-Z_][a-zA-Z0-9_]*\\s*(=~|!~|!=|=)\\s*("(?:[^"\\\\]|\\\\.)*"|\\S+)/g) || [f.matchers];
  api('/api/silences', { method: 'POST', body: JSON.stringify({ matchers, duration: f.duration, createdBy: f.createdBy, comment: f.comment }) })
    .then(() => { e.target.reset(); loadSilences(); }).catch(fail);
});
$('silence-rows').addEventListener('click', (e) => {
  const id = e.target.dataset.expire;
  if (id) api('/api/silences/' + id + '?by=web', { method: 'DELETE' }).then(loadSilences).catch(fail);
});
$('tenant-rows').addEventListener('click', (e) => { const t = e.target.dataset.tenant; if (t) { e.preventDefault(); showTenant(t).catch(fail); } });
show('alerts');
setInterval(() => loaders[tab]().catch(fail), 10000);
</script>
</body>
</html>
`;
