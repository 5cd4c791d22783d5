// A webhook receiver in its own process: for every alert of every notification it gets (Lookout's payload or
// Alertmanager's), prints "RUN N T" with T the receipt time in ms on the machine's clock (sub-ms precision).
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

const now = () => performance.timeOrigin + performance.now();
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = now();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const lines = (body.alerts ?? []).map((a) => `${a.labels.run} ${a.labels.n} ${at.toFixed(3)}`);
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`));
