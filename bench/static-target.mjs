// A static scrape target: serves one file at /metrics, as a JMX exporter would, from its own process.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const body = readFileSync(process.argv[2]);
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
