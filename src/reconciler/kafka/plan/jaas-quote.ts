// Quoting a JAAS option value for Kafka's JaasConfig tokenizer (docs/reconciler.md#link-credentials): backslash and
// double quote are escaped. The same rule as src/secrets/jaas.ts, which this layer may not import; line breaks (which
// end a quoted string) cannot come from the line-based Secret files the values are read from.
export function jaasQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
