// A Secret's `data` as the API returns it (base64 strings) → the bytes the checks and the reconciler read.
export function decodeSecretData(data: { [key: string]: string } | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(data ?? {})) {
    if (typeof value === 'string') out[key] = Buffer.from(value, 'base64');
  }
  return out;
}
