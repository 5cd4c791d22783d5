declare module 'parse-prometheus-text-format' {
  /** The npm peer parser: every metric family with its samples as objects. */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
