/** A field value as InfluxDB stores it; the catalog says which numbers are integers. */
export type FieldValue = number | boolean | string;

/** One point: what every source produces and the sink writes. Time is in ms since the epoch. */
export interface Sample {
  measurement: string;
  tags: Readonly<Record<string, string>>;
  fields: Readonly<Record<string, FieldValue>>;
  timeMs: number;
}
