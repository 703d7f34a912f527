/** Replaces every occurrence of the given secret values; values shorter than 4 characters are kept,
 * since masking them would garble ordinary words without protecting anything. */
export function redact(text: string, secrets: Iterable<string | null | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  }
  return out;
}
