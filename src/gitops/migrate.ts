// What `migrate` computes: a stack's exported state with its dynamic ProviderConfiguration resources
// moved to the native plugin's type, as the engine itself would have written them had the stack been
// native from the start; or why that cannot be done without a write. Pure: the runner reads the
// state and the config, and proves the result with a preview.
import { NATIVE_RESOURCE_TYPE, parseMark, RESOURCE_TYPE, stackId } from "../model/index.js";

/** One resource of `pulumi stack export`; what migrate does not read is carried over as it is. */
export interface ResourceState {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  parent?: string;
  provider?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  deletedWith?: string;
  aliases?: unknown[];
  delete?: boolean;
  pendingReplacement?: boolean;
  taint?: boolean;
  [field: string]: unknown;
}

export interface PendingOperation {
  resource: ResourceState;
  type: string;
  [field: string]: unknown;
}

/** `pulumi stack export`: a versioned deployment. */
export interface ExportedState {
  version: number;
  deployment: {
    resources?: ResourceState[];
    pending_operations?: PendingOperation[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** A stack's config, as `pulumi config --json --show-secrets` gives it (fully qualified keys). */
export interface StackConfigValues {
  config: Record<string, string>;
  secretKeys: ReadonlySet<string>;
}

export interface MigrationOptions {
  /** The stack's config as the native program will run with it (`telephony:plugin` already `native`). */
  config: StackConfigValues;
  /**
   * The telephony-config version the project's program requests its resources' plugin at: it names
   * the default provider (`default_0_1_0`) and is one of its inputs. Undefined: none is requested.
   */
  version: string | undefined;
  /** The id of the telephony default provider added to the state (the engine's are UUIDs). */
  providerId: string;
  /** When the provider is recorded as created, as an ISO timestamp. */
  now: string;
}

export interface MovedResource {
  /** The resource's name in the stack: its declaration's key. */
  name: string;
  /** The configuration's id: the same before and after. */
  id: string;
  oldUrn: string;
  newUrn: string;
}

export interface Migration {
  /** Why the state cannot be moved as it is; when any, nothing else is set. */
  refusals: string[];
  moved: MovedResource[];
  /** The state to import. */
  state?: ExportedState;
  /** The telephony default provider the moved resources use, and whether the state held it already. */
  provider?: { urn: string; added: boolean };
  /** Providers left with nothing to serve (the dynamic provider), dropped from the state. */
  dropped: string[];
}

/** The native plugin's package, as its provider resources are typed. */
export const NATIVE_PROVIDER_TYPE = "pulumi:providers:telephony";
const DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";
const STACK_TYPE = "pulumi:pulumi:Stack";
/** Inputs only the dynamic resource has: its provider module, and its owner (the native plugin reads it from the URN). */
const DYNAMIC_INPUTS = ["__provider", "owner"];
const DYNAMIC_OUTPUTS = ["__provider"];

// Pulumi's marker for a secret value in a property map; `plaintext` is how an export with
// --show-secrets spells one, and how `stack import` takes one to encrypt.
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

interface ParsedUrn {
  stack: string;
  project: string;
  /** The resource's type, qualified by its parents' (`parentType$type`). */
  types: string[];
  name: string;
}

function parseUrn(urn: string): ParsedUrn | undefined {
  const [head = "", project = "", types = "", ...rest] = urn.split("::");
  if (!head.startsWith("urn:pulumi:") || !project || !types || !rest.length) return undefined;
  return { stack: head.slice("urn:pulumi:".length), project, types: types.split("$"), name: rest.join("::") };
}

/** A URN with the dynamic type, as itself or as a parent's, replaced by the native one. */
function nativeUrn(urn: string): string {
  const parsed = parseUrn(urn);
  if (!parsed || !parsed.types.includes(RESOURCE_TYPE)) return urn;
  const types = parsed.types.map((t) => (t === RESOURCE_TYPE ? NATIVE_RESOURCE_TYPE : t)).join("$");
  return `urn:pulumi:${parsed.stack}::${parsed.project}::${types}::${parsed.name}`;
}

/** The engine's name of a default provider requested at `version` (pkg/resource/deploy/providers). */
export function defaultProviderName(version: string | undefined): string {
  if (version === undefined) return "default";
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version);
  if (!m) throw new Error(`not a semantic version: ${JSON.stringify(version)}`);
  const [, major, minor, patch, pre, build] = m;
  const parts = [major, minor, patch, ...(pre?.split(".") ?? []), ...(build?.split(".") ?? [])];
  return `default_${parts.map((p) => String(/^\d+$/.test(p!) ? Number(p) : p)).join("_")}`;
}

/** The version as the engine records it (`v` dropped, numbers without leading zeros). */
const normalisedVersion = (version: string): string => {
  const name = defaultProviderName(version).slice("default_".length).split("_");
  const [major, minor, patch] = name;
  const rest = version.replace(/^v?\d+\.\d+\.\d+/, "");
  return `${major}.${minor}.${patch}${rest}`;
};

/**
 * The default provider's inputs as the engine computes them for package `telephony`: each of the
 * stack's `telephony:*` values as text, keyed without the namespace, secrets as secrets; the version
 * the program requests, with the engine's `__internal` beside it. Its outputs are the same without
 * `__internal` (the plugin's CheckConfig returns what it is given).
 */
export function nativeProviderProperties(
  config: StackConfigValues,
  version: string | undefined,
): { inputs: Record<string, unknown>; outputs: Record<string, unknown> } {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config.config)) {
    if (!key.startsWith("telephony:")) continue;
    const name = key.slice("telephony:".length);
    // The token is a secret whatever the config says, as the plugin's CheckConfig makes it.
    const secret = config.secretKeys.has(key) || name === "apiToken";
    settings[name] = secret ? { [SIG]: SECRET, plaintext: JSON.stringify(value) } : value;
  }
  if (version === undefined) return { inputs: { ...settings }, outputs: { ...settings } };
  const v = normalisedVersion(version);
  return { inputs: { ...settings, __internal: {}, version: v }, outputs: { ...settings, version: v } };
}

const without = (values: Record<string, unknown> | undefined, keys: string[]) =>
  values && Object.fromEntries(Object.entries(values).filter(([k]) => !keys.includes(k)));

const nameOf = (urn: string) => parseUrn(urn)?.name ?? urn;
const providerUrnOf = (ref: string | undefined) => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);

/** Why one dynamic resource cannot be moved as it is (none: it can). */
function resourceRefusals(r: ResourceState, urn: ParsedUrn, parentType: string | undefined): string[] {
  const name = urn.name;
  const refusals: string[] = [];
  const what = `${name}${r.id ? ` (configuration ${r.id})` : ""}`;
  if (!r.id) refusals.push(`${what}: has no id in the state`);
  if (r.delete)
    refusals.push(`${what}: pending deletion (the old half of an unfinished replacement): run pulumi up first`);
  if (r.pendingReplacement) refusals.push(`${what}: pending replacement: run pulumi up first`);
  if (r.taint) refusals.push(`${what}: tainted (marked for replacement): run pulumi up first`);
  if (r.parent !== undefined && parentType !== STACK_TYPE)
    refusals.push(
      `${what}: a child of ${r.parent}: only configurations at the top of the stack are moved (the native plugin names a child by its whole URN, which its ownership mark does not record)`,
    );
  const providerUrn = providerUrnOf(r.provider);
  const provider = providerUrn && parseUrn(providerUrn);
  if (!provider || provider.types.join("$") !== DYNAMIC_PROVIDER_TYPE || !provider.name.startsWith("default"))
    refusals.push(`${what}: served by ${r.provider ?? "no provider"}, not Pulumi's default dynamic provider`);

  // The native plugin knows a resource's owner from its URN alone: this stack, and its name.
  const expected = { stack: stackId(urn.project, urn.stack), resource: name };
  const owner = r.inputs?.owner as { stack?: unknown; resource?: unknown } | undefined;
  if (owner && (owner.stack !== expected.stack || owner.resource !== expected.resource))
    refusals.push(
      `${what}: its inputs name it resource ${JSON.stringify(owner.resource)} of stack ${String(owner.stack)}, its URN resource ${JSON.stringify(name)} of stack ${expected.stack}`,
    );
  const markText = r.outputs?.mark;
  if (typeof markText === "string") {
    const mark = parseMark(markText);
    if (!mark || mark.stack !== expected.stack || mark.resource !== expected.resource)
      refusals.push(
        `${what}: the configuration's ownership mark names ${mark ? `resource ${JSON.stringify(mark.resource)} of stack ${mark.stack}` : `no owner (${JSON.stringify(markText)})`}, not ${JSON.stringify(name)} of ${expected.stack}: the native plugin, which knows no former keys, would take it for another's`,
      );
  }
  return refusals;
}

/**
 * The state with every dynamic ProviderConfiguration moved to `telephony:index:ProviderConfiguration`,
 * ids unchanged: its URN (and its children's) and every reference to it renamed; its inputs without
 * the dynamic provider module and the owner, its outputs without the module; served by the telephony
 * default provider, added with the inputs the engine computes from the stack's config. The dynamic
 * default provider is dropped once it serves nothing. Refused, with every reason, when the state has
 * pending operations or nothing to move, or a resource would not be the same to the native plugin.
 */
export function migrateState(exported: ExportedState, options: MigrationOptions): Migration {
  const resources = exported.deployment.resources ?? [];
  const refusals: string[] = [];
  const pending = exported.deployment.pending_operations ?? [];
  if (pending.length)
    refusals.push(
      `the state has ${pending.length} pending operation(s) (${pending.map((p) => `${p.type} ${nameOf(p.resource.urn)}`).join(", ")}): an update was interrupted; settle them (pulumi refresh) first`,
    );

  const typeOf = new Map(resources.map((r) => [r.urn, r.type]));
  const dynamic = resources.filter((r) => r.type === RESOURCE_TYPE);
  if (!dynamic.length) {
    const native = resources.filter((r) => r.type === NATIVE_RESOURCE_TYPE && !r.delete).length;
    refusals.push(
      `the stack has no ${RESOURCE_TYPE} to move${native ? ` (its ${native} configuration(s) are native already)` : ""}`,
    );
  }
  const parsed = new Map<ResourceState, ParsedUrn>();
  for (const r of dynamic) {
    const urn = parseUrn(r.urn);
    if (!urn) {
      refusals.push(`${r.urn}: not a resource URN`);
      continue;
    }
    parsed.set(r, urn);
    refusals.push(...resourceRefusals(r, urn, r.parent === undefined ? undefined : typeOf.get(r.parent)));
  }
  // A stack that holds native resources already (its program ran both kinds): one state cannot hold two
  // resources at one URN, and the moved ones would sit before the provider that serves them.
  const native = resources.filter((r) => r.type === NATIVE_RESOURCE_TYPE);
  const taken = new Set(native.map((r) => r.urn));
  for (const r of dynamic)
    if (taken.has(nativeUrn(r.urn)))
      refusals.push(`${nameOf(r.urn)}: the state holds a native resource at ${nativeUrn(r.urn)} already`);
  if (native.length)
    refusals.push(
      `the state holds native telephony resources already (${native.map((r) => nameOf(r.urn)).join(", ")}): migrate moves a stack that is all dynamic`,
    );
  if (refusals.length) return { refusals, moved: [], dropped: [] };

  const first = parsed.get(dynamic[0]!)!;
  const providerUrn = `urn:pulumi:${first.stack}::${first.project}::${NATIVE_PROVIDER_TYPE}::${defaultProviderName(options.version)}`;
  const existing = resources.find((r) => r.urn === providerUrn);
  const providerRef = `${providerUrn}::${existing?.id ?? options.providerId}`;
  const { inputs, outputs } = nativeProviderProperties(options.config, options.version);
  const provider: ResourceState = {
    urn: providerUrn,
    custom: true,
    id: options.providerId,
    type: NATIVE_PROVIDER_TYPE,
    inputs,
    outputs,
    created: options.now,
    modified: options.now,
  };

  const rename = (urn: string) => nativeUrn(urn);
  const renamed = (r: ResourceState): ResourceState => {
    const next: ResourceState = { ...r, urn: rename(r.urn) };
    if (r.parent !== undefined) next.parent = rename(r.parent);
    if (r.dependencies) next.dependencies = r.dependencies.map(rename);
    if (r.propertyDependencies)
      next.propertyDependencies = Object.fromEntries(
        Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map(rename)]),
      );
    if (r.deletedWith !== undefined) next.deletedWith = rename(r.deletedWith);
    if (r.aliases) next.aliases = r.aliases.map((a) => (typeof a === "string" ? rename(a) : a));
    return next;
  };

  const moved: MovedResource[] = [];
  const next: ResourceState[] = [];
  let added = false;
  for (const r of resources) {
    // A provider comes before the resources it serves: the one the state holds already moves up.
    if (r === existing) continue;
    if (r.type !== RESOURCE_TYPE) {
      next.push(renamed(r));
      continue;
    }
    if (!added) {
      next.push(existing ? renamed(existing) : provider);
      added = true;
    }
    const m = renamed(r);
    m.type = NATIVE_RESOURCE_TYPE;
    m.provider = providerRef;
    m.inputs = without(r.inputs, DYNAMIC_INPUTS);
    m.outputs = without(r.outputs, DYNAMIC_OUTPUTS);
    if (m.propertyDependencies) {
      const dependencies = without(m.propertyDependencies, DYNAMIC_INPUTS) as Record<string, string[]>;
      m.propertyDependencies = dependencies;
    }
    next.push(m);
    moved.push({ name: parsed.get(r)!.name, id: r.id!, oldUrn: r.urn, newUrn: m.urn });
  }

  // A provider is dropped once nothing refers to it: the engine would delete it at the next update.
  const formerProviders = new Set(dynamic.map((r) => providerUrnOf(r.provider)!));
  const referenced = (urn: string) =>
    next.some(
      (r) =>
        providerUrnOf(r.provider) === urn ||
        r.parent === urn ||
        r.deletedWith === urn ||
        r.dependencies?.includes(urn) ||
        Object.values(r.propertyDependencies ?? {}).some((urns) => urns.includes(urn)),
    );
  const dropped = [...formerProviders].filter((urn) => !referenced(urn));
  const state: ExportedState = {
    ...exported,
    deployment: { ...exported.deployment, resources: next.filter((r) => !dropped.includes(r.urn)) },
  };
  return { refusals: [], moved, state, provider: { urn: providerUrn, added: !existing }, dropped };
}

/** Pulumi.yaml's `plugins.providers` entry for the native plugin, and what its path holds. */
export interface PluginFacts {
  /** The entry named `telephony`: its path as written, and whether that directory holds pulumi-resource-telephony. */
  projectEntry?: { path: string; found: boolean };
  /** Versions of the `telephony` resource plugin in Pulumi's plugin cache. */
  cached: string[];
  /** A pulumi-resource-telephony on PATH, where the engine looks last. */
  onPath?: string;
}

/** Where the engine will find the native plugin, or why it will not. */
export function pluginSource(facts: PluginFacts): { source: string } | { refusal: string } {
  if (facts.projectEntry?.found) return { source: `Pulumi.yaml's plugins.providers (${facts.projectEntry.path})` };
  if (facts.projectEntry)
    return {
      refusal: `Pulumi.yaml's plugins.providers entry telephony names ${facts.projectEntry.path}, which holds no pulumi-resource-telephony: make it the package's plugin directory (node_modules/telephony-config/plugin)`,
    };
  if (facts.cached.length) return { source: `Pulumi's plugin cache (telephony ${facts.cached.join(", ")})` };
  if (facts.onPath) return { source: facts.onPath };
  return {
    refusal: [
      "the engine cannot find the native plugin (pulumi-resource-telephony): add to Pulumi.yaml",
      "  plugins:",
      "    providers:",
      "      - name: telephony",
      "        path: node_modules/telephony-config/plugin",
      "or install it in Pulumi's plugin cache (telephony-config plugin install)",
    ].join("\n"),
  };
}

/** One step of `pulumi preview --json` that is not `same`. */
export interface PreviewChange {
  op: string;
  urn: string;
  diffs: string[];
}

/** What a preview (`pulumi preview --json`) would do besides leaving things as they are, and its errors. */
export function readPreview(json: string): { changes: PreviewChange[]; errors: string[] } | undefined {
  let parsed: {
    steps?: Array<{ op?: string; urn?: string; diffs?: string[]; detailedDiff?: Record<string, unknown> }>;
    diagnostics?: Array<{ message?: string; severity?: string }>;
  };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return undefined;
  }
  const changes = (parsed.steps ?? [])
    .filter((s) => s.op !== "same")
    .map((s) => ({ op: s.op ?? "?", urn: s.urn ?? "?", diffs: s.diffs ?? Object.keys(s.detailedDiff ?? {}) }));
  const errors = (parsed.diagnostics ?? [])
    .filter((d) => d.severity === "error" && d.message)
    .map((d) => d.message!.trim());
  return { changes, errors };
}

export const describeChange = (c: PreviewChange): string =>
  `${c.op} ${c.urn}${c.diffs.length ? ` (${c.diffs.join(", ")})` : ""}`;

/** What `migrate` says it moves (or would): each resource, old type → new, id unchanged; the provider; the plugin; the config. */
export function renderPlan(
  stack: string,
  migration: Migration,
  facts: { version: string | undefined; plugin: string; config: string },
): string {
  const lines = [
    `stack ${stack}: ${migration.moved.length} configuration(s) to move to the native plugin, ids unchanged`,
  ];
  const width = Math.max(...migration.moved.map((m) => m.name.length));
  for (const m of migration.moved)
    lines.push(`  ${m.name.padEnd(width)}  configuration ${m.id}  ${RESOURCE_TYPE} → ${NATIVE_RESOURCE_TYPE}`);
  if (migration.provider)
    lines.push(
      `provider: ${migration.provider.urn}${migration.provider.added ? ` (added, as the engine makes it for telephony-config ${facts.version ?? "of no version"})` : " (in the state already)"}`,
    );
  for (const dropped of migration.dropped) lines.push(`dropped: ${dropped} (it serves nothing once they move)`);
  lines.push(`plugin: ${facts.plugin}`, `config: ${facts.config}`);
  return `${lines.join("\n")}\n`;
}

export const renderRefusal = (reasons: string[]): string =>
  `refused, nothing changed:\n${reasons.map((r) => `  ${r.replaceAll("\n", "\n  ")}`).join("\n")}\n`;
