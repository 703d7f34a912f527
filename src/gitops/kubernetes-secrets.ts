// What the Stacks and the drift CronJobs share: the Kubernetes Secret each stack reads its secrets from,
// the labels of their objects, and how a value is written into YAML. Secrets themselves are never
// written anywhere: only a Secret's name and key.
import { parse } from "yaml";

/**
 * One Secret per stack, `<name>-secrets`, in the Stacks' namespace (PKO resolves secretsRef and envRefs
 * only there). Per stack rather than one Secret with a key per stack: each organization's token is its
 * own, so RBAC can grant a team `get` on its stacks' Secrets alone (resourceNames), a token is rotated or
 * revoked by replacing one object that no other stack reads, and a secret manager (External Secrets, a
 * sealed secret) maps one store entry to one Secret.
 */
export const secretName = (name: string): string => `${name}-secrets`;

/** The keys of a stack's Secret and what each becomes. */
export const SECRET_KEYS = {
  /** The telephony API token: the Stack's telephony:apiToken (secret config), the drift job's TELEPHONY_API_TOKEN. */
  apiToken: "apiToken",
  /** PULUMI_CONFIG_PASSPHRASE: decrypts the stack's secrets (a passphrase secrets provider). */
  passphrase: "passphrase",
  /** PULUMI_ACCESS_TOKEN, only with an http(s) backend (Pulumi Cloud or a self-hosted service): it logs in. */
  pulumiAccessToken: "pulumiAccessToken",
} as const;

/** Whether the backend is a Pulumi service (Cloud or self-hosted), which needs an access token to log in. */
export const isServiceBackend = (backend: string): boolean => /^https?:\/\//.test(backend);

/** The keys a stack's Secret must hold for this backend. */
export const secretKeysFor = (backend: string): string[] => [
  SECRET_KEYS.apiToken,
  SECRET_KEYS.passphrase,
  ...(isServiceBackend(backend) ? [SECRET_KEYS.pulumiAccessToken] : []),
];

/** The labels of a stack's objects, as YAML lines at `indent`: `kubectl get stack,cronjob -l app.kubernetes.io/instance=acme-prod`. */
export const labelLines = (name: string, component: "stack" | "drift", indent: string): string =>
  [
    `app.kubernetes.io/part-of: telephony-config`,
    `app.kubernetes.io/component: ${component}`,
    `app.kubernetes.io/instance: ${name}`,
  ]
    .map((line) => `${indent}${line}\n`)
    .join("");

/**
 * A string as a YAML scalar that reads back as that same string: plain when it does (acme-prod, s3://bucket),
 * else double-quoted (JSON's quoting is YAML's): "3.33", "true", "123", a value with `#` or `: ` in it.
 */
export function scalar(value: string): string {
  if (/^[A-Za-z0-9_./][A-Za-z0-9_./:@+=?&%-]*$/.test(value) && !value.endsWith(":")) {
    try {
      if (parse(value) === value) return value;
    } catch {
      // Not YAML as it stands: quoted below.
    }
  }
  return JSON.stringify(value);
}
