// Types for the test-only parser (the package ships none).
declare module 'parse-prometheus-text-format' {
  interface ParsedSample {
    value: string;
    labels?: Record<string, string>;
  }
  interface ParsedFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'UNTYPED' | 'SUMMARY' | 'HISTOGRAM';
    metrics: ParsedSample[];
  }
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
