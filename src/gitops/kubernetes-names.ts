// The values `init --kubernetes` writes into manifests, checked before anything is written: Pulumi stack
// names and the Kubernetes names made from them (within the Pulumi Kubernetes Operator's limits), org
// handles, URLs, and the other options. Each check returns the problem in the user's terms (which value,
// why), or undefined; none repeats a value that may hold a secret.
import { printable } from "../declarations/declaration.js";
import { parseDuration } from "./duration.js";

/**
 * PKO v2's Stack CRD: `size(self.metadata.name) <= 42` (a CEL rule, operator/api/pulumi/v1/stack_types.go):
 * the workspace's StatefulSet, Service and pods are named after the Stack, with suffixes.
 */
export const STACK_NAME_MAX = 42;
/** A CronJob's name: its Jobs append 11 characters and their pods' names stay within 63. */
export const CRONJOB_NAME_MAX = 52;
export const DRIFT_SUFFIX = "-drift";
/** PKO runs a Stack at most once a minute: less is taken as 60 (StackSpec.ResyncFrequencySeconds). */
export const MIN_RESYNC_SECONDS = 60;

/** One `--stack NAME[=ORG]`. */
export interface StackArgument {
  /** The Pulumi stack name as given: `acme-prod`, or qualified (`org/acme-prod`, `org/project/acme-prod`). */
  stack: string;
  /** telephony:orgHandle for this stack; none when the stack repository's Pulumi.<stack>.yaml has it. */
  orgHandle?: string | undefined;
  /** The name of its Stack object, and the stem of its CronJob's and Secret's. */
  name: string;
}

/** Pulumi's rule for a stack name (tokens.ParseStackName): 1–100 of letters, digits, `-`, `_`, `.`. */
const PULUMI_STACK_PART = /^[A-Za-z0-9_.-]{1,100}$/;
/** DNS-1123 label: lowercase letters, digits and `-`, a letter or digit at each end. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The Kubernetes name of a Pulumi stack: its own name (after the last `/`), lowercased, every run of other
 * characters than letters and digits made one `-`. Distinct stacks may meet in one name; the caller checks.
 */
export const kubernetesName = (stack: string): string =>
  stack
    .slice(stack.lastIndexOf("/") + 1)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

/** `--stack NAME[=ORG]` read and checked: the argument, or the problem with it. */
export function parseStackArgument(text: string): StackArgument | string {
  const at = text.indexOf("=");
  const stack = at < 0 ? text : text.slice(0, at);
  const orgHandle = at < 0 ? undefined : text.slice(at + 1);
  const parts = stack.split("/");
  if (parts.length > 3 || !parts.every((part) => PULUMI_STACK_PART.test(part)))
    return `--stack ${printable(text)}: ${printable(stack) || "(empty)"} is not a Pulumi stack name (1 to 100 letters, digits, '-', '_' or '.', optionally qualified as org/stack or org/project/stack)`;
  if (orgHandle !== undefined) {
    if (orgHandle === "")
      return `--stack ${printable(text)}: the org handle after '=' is empty (give NAME=ORG, or NAME alone when the stack's own config sets telephony:orgHandle)`;
    // An HTTP header's value (Org-Handle), as the API and the settings take it: no spaces, nothing unprintable.
    if (!/^[\x21-\x7e]+$/.test(orgHandle))
      return `--stack ${printable(text)}: the org handle ${printable(JSON.stringify(orgHandle))} must be printable ASCII without spaces (it is sent as the Org-Handle header)`;
  }
  const name = kubernetesName(stack);
  const own = parts[parts.length - 1]!;
  if (!/^[a-z]/.test(name))
    return `--stack ${printable(text)}: the Kubernetes name made from ${printable(own)} must start with a letter (PKO names the workspace's Service after the Stack, and a Service's name starts with a letter)`;
  if (name.length > STACK_NAME_MAX)
    return `--stack ${printable(text)}: its Kubernetes name ${name} has ${name.length} characters; PKO allows a Stack at most ${STACK_NAME_MAX} (a rule of its CRD): use a shorter stack name`;
  if (name.length + DRIFT_SUFFIX.length > CRONJOB_NAME_MAX)
    return `--stack ${printable(text)}: its drift CronJob's name ${name}${DRIFT_SUFFIX} would have more than ${CRONJOB_NAME_MAX} characters: use a shorter stack name`;
  return { stack, orgHandle, name };
}

/** Two stacks given twice, or two that make one Kubernetes name: each would overwrite the other's objects. */
export function duplicateProblems(stacks: StackArgument[]): string[] {
  const problems: string[] = [];
  const byStack = new Map<string, StackArgument>();
  const byName = new Map<string, StackArgument>();
  for (const stack of stacks) {
    if (byStack.has(stack.stack)) {
      problems.push(`--stack ${printable(stack.stack)} is given twice: one Stack per Pulumi stack`);
      continue;
    }
    byStack.set(stack.stack, stack);
    const other = byName.get(stack.name);
    if (other)
      problems.push(
        `--stack ${printable(other.stack)} and --stack ${printable(stack.stack)} both make the Kubernetes name ${stack.name}: each stack needs its own Stack, CronJob and Secret; rename one of the stacks`,
      );
    else byName.set(stack.name, stack);
  }
  return problems;
}

/** An http(s) URL may carry credentials as user info; git and backends would then put a secret in a manifest. */
/** A query parameter named like a credential (access_token, secret_access_key, sig, password, …). */
const CREDENTIAL_PARAMETER = /token|secret|passw|pwd|key|sig|credential|auth/i;

const credentialsProblem = (option: string, url: URL): string | undefined => {
  const instead =
    option === "--repo"
      ? "give git credentials to the Stacks with a gitAuth Secret (README) instead"
      : "give them to the pods from a Secret instead";
  if (url.password !== "" || (url.username !== "" && /^https?:$/.test(url.protocol)))
    return `${option}: the URL holds credentials (user info before '@'); nothing generated may hold a secret: ${instead}`;
  // Named, never its value.
  const parameter = [...url.searchParams.keys()].find((name) => CREDENTIAL_PARAMETER.test(name));
  if (parameter !== undefined)
    return `${option}: the URL's query has ${printable(parameter)}=…, which looks like a credential; nothing generated may hold a secret: ${instead}`;
  return undefined;
};

const parsedUrl = (text: string): URL | undefined => {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
};

/** Said of a value that is no URL: it is not repeated, for it may be a secret pasted in the wrong place. */
const NOT_REPEATED = "(not repeated: it may be a secret pasted in the wrong place)";

/**
 * A value with a control character (a newline, a tab, an escape) or a Unicode line break. The URL checks
 * alone would pass one, for a URL parser drops tabs and newlines before it parses; the value itself is
 * written, though, and a newline in it ends the comment line of kustomization.yaml that records the
 * command, so what follows would be read as the overlay's own YAML (a `patches:` entry, say). Not repeated:
 * it may be a secret pasted in the wrong place.
 */
export function controlCharacterProblem(option: string, text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text)
    ? `${option}: the value holds a control character (a newline, a tab, an escape), which no URL, name, number or schedule has ${NOT_REPEATED}`
    : undefined;
}

/** The stack repository: a URL that a pod can clone (https, ssh, git or scp-like `git@host:path`). */
export function repoProblem(text: string): string | undefined {
  const clonable = "give a URL a pod can clone (https://…, ssh://…, git@host:path)";
  if (/^[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+:[^\s]+$/.test(text) && !text.includes("://")) return undefined;
  if (/^(\/|\.{1,2}(\/|$)|~)/.test(text) || text.startsWith("file:"))
    return `--repo ${printable(text)}: a path on this machine is not there in the cluster: ${clonable}`;
  const url = parsedUrl(text);
  if (!url) return `--repo: not a URL ${NOT_REPEATED}: ${clonable}`;
  const credentials = credentialsProblem("--repo", url);
  if (credentials) return credentials;
  if (!/^(https?|ssh|git):$/.test(url.protocol) || !url.host)
    return `--repo ${printable(text)}: not a git URL: ${clonable}`;
  return undefined;
}

/** The Pulumi backend: one that every workspace pod and drift job reaches, which a file:// one is not. */
export function backendProblem(text: string): string | undefined {
  const url = parsedUrl(text);
  if (!url || !/^[a-z][a-z0-9+.-]*:$/.test(url.protocol))
    return `--backend: not a URL ${NOT_REPEATED}; e.g. s3://bucket, gs://bucket, azblob://container, https://api.pulumi.com`;
  const credentials = credentialsProblem("--backend", url);
  if (credentials) return credentials;
  if (url.protocol === "file:")
    return `--backend ${printable(text)}: a file:// backend is one machine's disk, and each workspace pod and drift job has its own: use a backend they share (s3://, gs://, azblob://, https://)`;
  return undefined;
}

/** The API's base URL, as the settings take it (http or https). */
export function apiUrlProblem(text: string): string | undefined {
  const url = parsedUrl(text);
  if (!url) return `--api-url: not a URL ${NOT_REPEATED}; e.g. https://unpod.dev`;
  const credentials = credentialsProblem("--api-url", url);
  if (credentials) return credentials;
  if (!/^https?:$/.test(url.protocol))
    return `--api-url ${printable(text)}: not an http:// or https:// URL (e.g. https://unpod.dev)`;
  return undefined;
}

/** A branch as PKO and `git clone --branch` take it (`main`, or `refs/heads/main`). */
export function branchProblem(text: string): string | undefined {
  const short = text.replace(/^refs\/heads\//, "");
  const valid =
    /^[A-Za-z0-9._/-]+$/.test(short) &&
    !/^[-/.]|\/$|\.\.|\/\/|\.lock$|\.$/.test(short) &&
    !short.split("/").some((part) => part.startsWith("."));
  return valid ? undefined : `--branch ${printable(text)}: not a branch name (e.g. main)`;
}

/** The project's directory in the repository: relative, inside it. */
export function repoDirProblem(text: string): string | undefined {
  const parts = text.split("/").filter((part) => part !== "" && part !== ".");
  if (text.startsWith("/") || parts.includes("..") || !parts.every((part) => /^[A-Za-z0-9._-]+$/.test(part)))
    return `--repo-dir ${printable(text)}: give the directory of Pulumi.yaml relative to the repository's root, inside it (e.g. infra/telephony)`;
  return undefined;
}

/** `infra/./telephony/` → `infra/telephony`; the root is "". */
export const normalRepoDir = (text: string): string =>
  text
    .split("/")
    .filter((part) => part !== "" && part !== ".")
    .join("/");

export function namespaceProblem(text: string): string | undefined {
  return DNS_LABEL.test(text) && text.length <= 63
    ? undefined
    : `--namespace ${printable(text)}: not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)`;
}

export function overlayProblem(text: string): string | undefined {
  return DNS_LABEL.test(text) && text.length <= 63
    ? undefined
    : `--overlay ${printable(text)}: name the overlay's directory with lowercase letters, digits and '-' (e.g. production)`;
}

/** A container image reference: [registry[:port]/]repository[:tag][@sha256:digest]. */
export function imageProblem(text: string): string | undefined {
  return /^[a-z0-9][a-z0-9._/:-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/.test(text)
    ? undefined
    : `--image ${printable(text)}: not a container image reference (e.g. registry.example.com/telephony-workspace:1)`;
}

/** `--resync` in whole seconds, at least PKO's minute; or the problem. */
export function resyncSeconds(text: string): number | string {
  const ms = parseDuration(text);
  if (ms === undefined) return `--resync ${printable(text)}: not a duration (e.g. 10m, 1h, 90s)`;
  if (ms % 1000 !== 0) return `--resync ${printable(text)}: PKO takes whole seconds`;
  if (ms < MIN_RESYNC_SECONDS * 1000)
    return `--resync ${printable(text)}: PKO resyncs a Stack at most once a minute (it takes less as 60s): give 60s or more`;
  return ms / 1000;
}

const CRON_FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;

/** A CronJob schedule: five fields, or a macro; in UTC (the CronJob's timeZone), so no TZ= prefix. */
export function scheduleProblem(text: string): string | undefined {
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(text)) return undefined;
  const fields = text.trim().split(/\s+/);
  if (fields.length === 5 && fields.every((field) => CRON_FIELD.test(field))) return undefined;
  return `--drift-schedule ${printable(JSON.stringify(text))}: not a cron schedule of five fields (minute hour day-of-month month day-of-week, in UTC; e.g. "23 4 * * *")${
    /TZ=/.test(text) ? "; the CronJob's time zone is UTC, without a TZ= prefix" : ""
  }`;
}
