/** A metric of a Prometheus's own /metrics, summed over its label sets (NaN when absent). */
export async function promMetric(port: number, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const values = [...text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))]
    .filter((m) => labels === '' || (m[1] ?? '').includes(labels))
    .map((m) => Number(m[2]));
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0);
}
