/** An ObjectName split into its domain and its key properties, in the order written. */
export interface ObjectName {
  domain: string;
  properties: [string, string][];
}

/** Splits `domain:key=value,key=value` (values without quotes or commas, as Kafka's are). */
export function parseObjectName(name: string): ObjectName {
  const colon = name.indexOf(':');
  if (colon <= 0) throw new Error(`not an ObjectName: '${name}'`);
  const properties = name
    .slice(colon + 1)
    .split(',')
    .map((pair): [string, string] => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`bad key property '${pair}' in '${name}'`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    });
  return { domain: name.slice(0, colon), properties };
}
