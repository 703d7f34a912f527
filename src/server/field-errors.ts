import type { ErrorObject } from "ajv";

/** Ajv's errors as `{field: [reason, ...]}`, the shape of the API's 400 answers. */
export function fieldErrors(errors: ErrorObject[] | null | undefined): Record<string, string[]> {
  // A Map: a field may be named "constructor" or "__proto__".
  const out = new Map<string, string[]>();
  for (const e of errors ?? []) {
    let field = e.instancePath.replace(/^\//, "").replaceAll("/", ".");
    let reason = e.message ?? "is invalid";
    if (e.keyword === "additionalProperties") {
      field = [field, String(e.params.additionalProperty)].filter(Boolean).join(".");
      reason = "is not a writable field";
    } else if (e.keyword === "required") {
      field = [field, String(e.params.missingProperty)].filter(Boolean).join(".");
      reason = "is required";
    }
    const key = field || "(body)";
    out.set(key, [...(out.get(key) ?? []), reason]);
  }
  return Object.fromEntries(out);
}
