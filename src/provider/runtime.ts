// The dynamic provider's implementation. Loaded by name from the program's directory by the one-line
// module kept in state (PROVIDER_MODULE in resource.ts), so that what runs is always this package's
// current code. Knows Pulumi's dynamic-provider interface; reaches the API only through the client.
import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { TelephonyClient } from "../client/client.js";
import type { ProviderConfiguration } from "../client/contract.js";
import { isNotFound } from "../client/errors.js";
import { redact } from "../client/redact.js";
import { validateResourceArgs } from "../schemas.js";
import { createOnce } from "./create-once.js";
import {
  changedFields,
  patchFor,
  replacementsFor,
  SECRET_INPUTS,
  toCreateBody,
  toOutputs,
  type ConfigurationInputs,
  type ConfigurationOutputs,
} from "./mapping.js";
import { clientFor, resolveSettings, type ApiSettings } from "../client/settings.js";

// Pulumi's marker for a secret value in a property map (sdk/go/common/resource/sig).
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: string) => ({ [SECRET_SIG]: SECRET_MARK, value });

let settings: ApiSettings | undefined;
let settingsError: Error | undefined;
let client: TelephonyClient | undefined;
// One process serves every resource of one Pulumi operation: what the creates of this run share.
let before: Promise<ProviderConfiguration[]> | undefined;
/**
 * Which resources of this stack hold each configuration id, as this operation has shown them: every
 * diff, read and update names the id and the resource's `instance` (set when a resource creates,
 * adopts or takes over a configuration). A configuration is never taken over while a resource holds
 * it, and never deleted for one resource while another holds it.
 */
const holders = new Map<number, Set<string | undefined>>();
const hold = (id: number, instance: string | undefined) => {
  const set = holders.get(id) ?? new Set();
  set.add(instance);
  holders.set(id, set);
};
/**
 * Import ids of resources being replaced in this operation. The engine checks a replacement's inputs
 * as a new resource's, so this is how create knows that its `import` is not to be read: the resource
 * has state, and its replacement is a new configuration.
 */
const replacedImports = new Set<number>();
/** Ids this operation has proved gone: the API's own 404, confirmed by the organization's list. */
const gone = new Set<number>();

/** Stack config reaches a dynamic provider only here (@pulumi/pulumi >= 3.139). */
export function configure(req: pulumi.dynamic.ConfigureRequest): void {
  try {
    settings = resolveSettings((key) => req.config.get(key), process.env);
  } catch (error) {
    // Reported by the first operation that needs the API: check and diff do not.
    settingsError = error as Error;
  }
}

function configured(): ApiSettings {
  if (!settings) throw settingsError ?? new Error("the dynamic provider was not configured");
  return settings;
}

function api(): TelephonyClient {
  client ??= clientFor(configured(), () => notice("rate limited by the API: pacing all requests to the rate it allows"));
  return client;
}

/**
 * The client acting in the organization an existing configuration belongs to (recorded in its state),
 * whatever organization is configured now: a changed setting never makes it a stranger.
 */
const orgOf = (state: Partial<ConfigurationOutputs>): string => state.orgHandle || configured().orgHandle;
const apiFor = (state: Partial<ConfigurationOutputs>): TelephonyClient => api().inOrganization(orgOf(state));

/** The organization's configurations before this run created any; listed once, again after a failure. */
function listedBefore(): Promise<ProviderConfiguration[]> {
  before ??= api().list().catch((error: unknown) => {
    before = undefined;
    throw error;
  });
  return before;
}

/**
 * Lines on the provider's stderr reach the output of `pulumi up` and `preview`, with either language
 * host: the engine forwards a plugin's output as info messages.
 */
const notice = (message: string) => console.error(`telephony-config: ${message}`);

/** Errors leave the provider as plain messages, with every secret this call knew masked. */
async function guarded<T>(secrets: Array<string | undefined>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(redact(message, [settings?.apiToken, ...secrets]));
  }
}

/**
 * Whether `error` proves the configuration gone: the API's own 404 (its envelope), and the
 * organization's list, at the same base URL, answering without it. A wrong base path that the API's
 * framework answers with its own 404, or an item URL routed elsewhere, fails here instead.
 */
async function confirmedGone(client: TelephonyClient, id: number, error: unknown): Promise<boolean> {
  if (!isNotFound(error)) return false;
  const said = (error as Error).message;
  let listed: ProviderConfiguration[];
  try {
    listed = await client.list();
  } catch (listError) {
    throw new Error(`${said}; the list that would confirm it is gone failed too, so it is not taken as deleted: ${(listError as Error).message}`);
  }
  if (listed.some((c) => c.id === id)) {
    throw new Error(`${said}, yet configuration ${id} is in the organization's list: the item URL reaches something other than the API (a proxy or a wrong base path)`);
  }
  gone.add(id);
  return true;
}

/**
 * The outputs with the configuration's identity: the organization handle it is reached with (the one
 * sent as Org-Handle, not the API's spelling of it, so that comparing it with the setting means what
 * it says) and the holding resource's instance.
 */
function identified(outs: ConfigurationOutputs, orgHandle: string, instance: string | undefined): ConfigurationOutputs {
  return { ...outs, orgHandle, ...(instance ? { instance } : {}) };
}

/** A secret stays in the outputs only while it is declared. */
function managedOnly(outs: ConfigurationOutputs, declared: Partial<ConfigurationInputs>): ConfigurationOutputs {
  const kept = { ...outs };
  for (const field of SECRET_INPUTS) if (declared[field] === undefined) delete kept[field];
  return kept;
}

const secretsOf = (...bags: Array<Partial<ConfigurationInputs> | undefined>) => bags.flatMap((b) => [b?.apiKey, b?.apiSecret]);

// Pulumi's marker for a value not known until apply (preview of a value computed from another resource).
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { __provider: _provider, ...args } = news;
  if (validateResourceArgs(args)) return { inputs: news };
  // Names and reasons only: a failing value may be a secret. A value not yet known is judged at apply.
  const failures = (validateResourceArgs.errors ?? [])
    .map((e) => ({
      property: e.instancePath.split("/")[1] || String(e.params.missingProperty ?? e.params.additionalProperty ?? ""),
      reason: e.keyword === "additionalProperties" ? `unknown property ${String(e.params.additionalProperty)}` : (e.message ?? "is invalid"),
    }))
    .filter((f) => args[f.property] !== UNKNOWN);
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

export async function diff(
  id: string,
  olds: ConfigurationOutputs,
  news: ConfigurationInputs,
): Promise<pulumi.dynamic.DiffResult> {
  hold(Number(id), olds.instance);
  const replaces: string[] = replacementsFor(olds, news);
  // The organization is part of a configuration's identity: a new one means a new configuration there
  // (created first), and the old one deleted where it lives.
  if (settings && olds.orgHandle && olds.orgHandle !== settings.orgHandle) replaces.push("orgHandle");
  if (replaces.length && news.importId !== undefined) replacedImports.add(news.importId);
  // A secret the state holds but the declaration no longer has leaves the state (no API call).
  // (An empty one, as earlier releases kept for secrets never declared, is no secret to release.)
  const released = SECRET_INPUTS.some((field) => !!olds[field] && news[field] === undefined);
  return { changes: changedFields(olds, news).length > 0 || replaces.length > 0 || released, replaces, deleteBeforeReplace: false };
}

export async function create(inputs: ConfigurationInputs): Promise<pulumi.dynamic.CreateResult> {
  return guarded(secretsOf(inputs), async () => {
    // `import` is read only when the resource has no state: a replacement creates a new configuration,
    // and so does a re-creation after this operation's refresh found the configuration deleted.
    if (inputs.importId !== undefined && !replacedImports.has(inputs.importId)) {
      const adopted = await adopt(inputs.importId, inputs);
      if (adopted) return { id: String(inputs.importId), outs: adopted };
      notice(
        `${inputs.name}: configuration ${inputs.importId} (import) was deleted; creating the configuration again ` +
          "(remove `import` from the declaration)",
      );
    }
    const instance = randomUUID();
    const created = await createOnce(toCreateBody(inputs), {
      client: api(),
      before: listedBefore,
      isKnown: (id) => holders.has(id),
      claim: (id) => hold(id, instance),
      notice,
    });
    return { id: String(created.id), outs: identified(toOutputs(created, inputs), configured().orgHandle, instance) };
  });
}

/**
 * Takes over an existing configuration: PATCHes what differs, refuses what only a replacement could
 * change. Undefined when this operation's refresh found it deleted: it is to be created again. An id
 * that does not exist otherwise is an error (a typo must not create a duplicate of the one meant).
 */
async function adopt(id: number, inputs: ConfigurationInputs): Promise<ConfigurationOutputs | undefined> {
  let live;
  try {
    live = await api().get(id);
  } catch (error) {
    if (gone.has(id) && isNotFound(error)) return undefined;
    if (await confirmedGone(api(), id, error)) {
      throw new Error(
        `cannot adopt configuration ${id}: it does not exist in organization ${configured().orgHandle}. ` +
          "If it was deleted and is to be created again, remove `import` from the declaration (or run `pulumi up --refresh`).",
      );
    }
    throw error;
  }
  if (holders.has(id)) throw new Error(`cannot adopt configuration ${id}: another resource of this stack manages it`);
  const instance = randomUUID();
  hold(id, instance);
  const outputs = identified(toOutputs(live, inputs), configured().orgHandle, instance);
  const replaces = replacementsFor(outputs, inputs);
  if (replaces.length) {
    const detail = replaces.map((f) => (f === "provider" ? `provider is ${outputs.provider}, declared ${inputs.provider}` : "meta differs from the declaration"));
    throw new Error(
      `cannot adopt configuration ${id} ("${live.name}"): ${detail.join("; ")}. ` +
        "The API cannot change provider or meta in place, and adopting would replace someone's live configuration: " +
        "make the declaration match it, or drop `import` to create a new one.",
    );
  }
  const patch = patchFor(outputs, inputs);
  return Object.keys(patch).length ? identified(toOutputs(await api().update(id, patch), inputs), configured().orgHandle, instance) : outputs;
}

export async function read(id: string, props: ConfigurationOutputs): Promise<pulumi.dynamic.ReadResult> {
  return guarded(secretsOf(props), async () => {
    hold(Number(id), props.instance);
    let live;
    try {
      live = await apiFor(props).get(Number(id));
    } catch (error) {
      // Deleted out of band, as the API itself says and its list confirms: an empty id tells the engine
      // the resource is gone. Any other answer (a proxy's page, a wrong base path) is an error, and the
      // state stays.
      if (await confirmedGone(apiFor(props), Number(id), error)) return { id: undefined, props: {} } as unknown as pulumi.dynamic.ReadResult;
      throw error;
    }
    // Only the secrets the state holds are managed; the others are not read into it.
    const outs = identified(toOutputs(live, props), orgOf(props), props.instance);
    // Inputs that mirror what is live, so that the next diff shows drift field by field. Empty
    // optional fields are left out, as an undeclared one is; secrets stay marked as secrets.
    const inputs: Record<string, unknown> = { name: outs.name, provider: outs.provider, active: outs.active, meta: outs.meta };
    if (outs.apiKey) inputs.apiKey = secret(outs.apiKey);
    if (outs.apiSecret) inputs.apiSecret = secret(outs.apiSecret);
    if (outs.baseUrl) inputs.baseUrl = outs.baseUrl;
    if (outs.sipUrl) inputs.sipUrl = outs.sipUrl;
    return { id, props: outs, inputs };
  });
}

export async function update(id: string, olds: ConfigurationOutputs, news: ConfigurationInputs): Promise<pulumi.dynamic.UpdateResult> {
  return guarded(secretsOf(olds, news), async () => {
    hold(Number(id), olds.instance);
    const patch = patchFor(olds, news);
    if (!Object.keys(patch).length) return { outs: managedOnly(olds, news) };
    return { outs: identified(toOutputs(await apiFor(olds).update(Number(id), patch), news), orgOf(olds), olds.instance) };
  });
}

export async function remove(id: string, props: ConfigurationOutputs): Promise<void> {
  return guarded(secretsOf(props), async () => {
    // A resource that left the program while another took its configuration over (a renamed key)
    // must not delete what the other now holds.
    const others = [...(holders.get(Number(id)) ?? [])].filter((instance) => instance !== props.instance);
    if (others.length) {
      notice(`configuration ${id} is held by another resource of this stack: removed from the state of the old one, not deleted`);
      return;
    }
    try {
      await apiFor(props).delete(Number(id));
    } catch (error) {
      // Already gone, as the API itself says and its list confirms; anything else is an error, and the
      // resource stays in state.
      if (!(await confirmedGone(apiFor(props), Number(id), error))) throw error;
    }
  });
}

/** What the module kept in state hands to Pulumi's dynamic provider host. */
export const provider = { configure, check, diff, create, read, update, delete: remove };
