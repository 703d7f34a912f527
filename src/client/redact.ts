/**
 * Replaces every occurrence of the given secret values, longest first (a secret may contain another),
 * in plain, JSON-escaped, URL-encoded and HTML-escaped form. Values shorter than 4 characters are kept, since
 * masking them would garble ordinary words without protecting anything.
 */
export function redact(text: string, secrets: Iterable<string | null | undefined>): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
    forms.add(
      secret
        .replaceAll("&", "&amp;")
        .replaceAll("<", "&lt;")
        .replaceAll(">", "&gt;")
        .replaceAll('"', "&quot;")
        .replaceAll("'", "&#39;"),
    );
  }
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join("[REDACTED]");
  return out;
}

// The contract's secret fields, and anything named like a credential, in JSON, a Python or JS repr, a
// form, a query or a header line: the value after the name, quoted or not.
const SECRET_FIELD =
  /((?:^|[^A-Za-z0-9])["']?(?:x-)?(?:api[_-]?key|api[_-]?secret|access[_-]?token|token|secret|password|authorization)["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?:Token|Bearer)\s+\S+|[^\s,;&}<]+)/gim;

/**
 * An error body as it may be shown: the values of secret-looking fields masked, then the known
 * secrets, before anything is cut, so that no cut can leave part of a secret.
 */
export function maskBody(text: string, secrets: Iterable<string | null | undefined>): string {
  return redact(text.replace(SECRET_FIELD, "$1[REDACTED]"), secrets);
}
