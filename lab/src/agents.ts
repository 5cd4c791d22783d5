import { readFileSync } from 'node:fs';
import type { HttpAccess } from '../../collector/src/http-body.ts';
import type { BrokerRecord, LabState } from './state.ts';

/** A lab broker's JMX exporter and Jolokia URLs: HTTPS on a secured lab. */
export function agentUrls(state: LabState, broker: BrokerRecord): { jmx: string; jolokia: string } {
  const scheme = state.security === undefined ? 'http' : 'https';
  return {
    jmx: `${scheme}://127.0.0.1:${broker.jmxPort}/metrics`,
    jolokia: `${scheme}://127.0.0.1:${broker.jolokiaPort}/jolokia/`,
  };
}

/** How to reach a secured lab's agents (its CA, its basic-authentication user); undefined on a plain lab. */
export function agentAccessOf(state: LabState): HttpAccess | undefined {
  const security = state.security;
  if (security === undefined) return undefined;
  return {
    basic: { username: security.agentUser, password: security.agentPassword },
    tls: { ca: readFileSync(security.ca.cert, 'utf8'), verify: true },
  };
}
