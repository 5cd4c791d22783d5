import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';

/**
 * The alerter's address as people and receivers open it: `public_url` when set, else the address it listens
 * on (this machine's host name when it listens on every interface), so that every link it sends is absolute.
 */
export function publicUrlOf(configured: string | undefined, bound: AddressInfo): string {
  if (configured !== undefined) return configured.replace(/\/+$/, '');
  const any = bound.address === '0.0.0.0' || bound.address === '::';
  const host = any ? hostname() : bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return `http://${host}:${bound.port}`;
}
