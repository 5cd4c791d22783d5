/**
 * The HTTP headers that carry InfluxDB credentials: `Authorization: Basic`, which InfluxDB 1.x reads on every
 * endpoint (it does not read them from a form body), and which keeps them out of URLs that proxies and error
 * messages may show. No headers without a username.
 */
export function basicAuthHeaders(
  username: string | undefined,
  password: string | undefined,
): Record<string, string> {
  if (username === undefined) return {};
  return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` };
}
