// The dynamic provider's implementation. Loaded by name from the program's directory by the one-line
// module kept in state (PROVIDER_MODULE in resource.ts), so that what runs is always this package's
// current code. Knows Pulumi's dynamic-provider interface; reaches the API only through the client.
import { randomUUID } from "node:crypto";
import { fstatSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import type { TelephonyClient } from "../client/client.js";
import type { ProviderConfiguration } from "../client/contract.js";
import { isNotFound } from "../client/errors.js";
import { redact } from "../client/redact.js";
import { clientFor, normaliseApiUrl, resolveSettings, type ApiSettings } from "../settings/settings.js";
import { validateResourceArgs } from "../schemas.js";
import { createOnce } from "../runtime/create-once.js";
import { apiRelation, otherApiMessage, strangerReason } from "../runtime/identity.js";
import {
  changedFields,
  describeOwner,
  isCreatedFrom,
  isMarkedBy,
  markValueOf,
  OWNER_META_KEY,
  parseMark,
  patchFor,
  replacementsFor,
  SECRET_INPUTS,
  toCreateBody,
  toOutputs,
  type ConfigurationInputs,
  type ConfigurationOutputs,
  type Owner,
} from "../model/index.js";

// Pulumi's marker for a secret value in a property map (sdk/go/common/resource/sig).
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: string) => ({ [SECRET_SIG]: SECRET_MARK, value });

let settings: ApiSettings | undefined;
let settingsError: Error | undefined;
let client: TelephonyClient | undefined;
// One process serves every resource of one Pulumi operation: what its creates and writes share.
/** Each organization's configurations, listed once in the operation (again after a failure). */
const lists = new Map<string, Promise<ProviderConfiguration[]>>();
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
/** The key of the resource whose diff showed it holds each id: an import of one is refused at check. */
const heldBy = new Map<number, string>();
/**
 * The configuration each resource with state holds, by owner, as its diff showed it. The engine creates
 * a resource that has state only to replace it: then `import` is not read, and the secrets the
 * declaration leaves out are carried over from the configuration being replaced.
 */
const existing = new Map<string, { id: string; state: ConfigurationOutputs }>();
const ownerKey = (owner: Owner) => JSON.stringify([owner.stack, owner.resource]);
/** Ids this operation has proved gone: the API's own 404, confirmed by the organization's list. */
const gone = new Set<number>();

/** Stack config reaches a dynamic provider only here (@pulumi/pulumi >= 3.139). */
export function configure(req: pulumi.dynamic.ConfigureRequest): void {
  stopWithTheEngine();
  // The engine configures a provider process once, before its operation: what the operation learns starts here.
  client = undefined;
  for (const known of [lists, holders, heldBy, existing, gone]) known.clear();
  try {
    settings = resolveSettings((key) => req.config.get(key), process.env);
  } catch (error) {
    // Reported by the first operation that needs the API: check and diff do not.
    settingsError = error as Error;
  }
}

/**
 * The engine holds the other end of its plugins' standard input: when that closes, the engine is gone
 * (killed, or its CLI interrupted), and nothing this process would still send could be recorded in
 * the state. Stop at once rather than go on writing.
 */
let watching = false;
function stopWithTheEngine(): void {
  // Only in the process the engine launched to serve the dynamic provider (its host script), never in
  // a program or test that loads this module.
  if (watching || !/[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/.test(process.argv[1] ?? "") || !isPipe(0)) return;
  watching = true;
  process.stdin
    .on("end", () => process.exit(1))
    .on("error", () => process.exit(1))
    .resume();
}
function isPipe(fd: number): boolean {
  try {
    return fstatSync(fd).isFIFO();
  } catch {
    return false;
  }
}

function configured(): ApiSettings {
  if (!settings) throw settingsError ?? new Error("the dynamic provider was not configured");
  return settings;
}

function api(): TelephonyClient {
  client ??= clientFor(configured(), () =>
    notice("rate limited by the API: pacing all requests to the rate it allows"),
  );
  return client;
}

const here = (): string => normaliseApiUrl(configured().apiUrl);
const orgOf = (state: Partial<ConfigurationOutputs>): string => state.orgHandle || configured().orgHandle;

/**
 * The client for an existing configuration: at the API its state records and in its organization,
 * whatever organization is configured now. A configuration recorded at another API is never reached
 * through this one: the error says what changed, and nothing is sent.
 */
function apiFor(id: string, state: Partial<ConfigurationOutputs>): TelephonyClient {
  if (apiRelation(state.apiUrl, configured()) === "other")
    throw new Error(otherApiMessage(id, state, configured().apiUrl));
  return api().inOrganization(orgOf(state));
}

/** An organization's configurations, listed once per operation. */
function listed(orgHandle: string): Promise<ProviderConfiguration[]> {
  let list = lists.get(orgHandle);
  if (!list) {
    list = api()
      .inOrganization(orgHandle)
      .list()
      .catch((error: unknown) => {
        lists.delete(orgHandle);
        throw error;
      });
    lists.set(orgHandle, list);
  }
  return list;
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
    throw new Error(
      `${said}; the list that would confirm it is gone failed too, so it is not taken as deleted: ${(listError as Error).message}`,
    );
  }
  if (listed.some((c) => c.id === id)) {
    throw new Error(
      `${said}, yet configuration ${id} is in the organization's list: the item URL reaches something other than the API (a proxy or a wrong base path)`,
    );
  }
  gone.add(id);
  return true;
}

/** Refuses a live configuration at `id` that is not the one `state` holds: nothing is written to it. */
function refuseStranger(
  id: string,
  state: Partial<ConfigurationOutputs>,
  live: ProviderConfiguration,
  strict = false,
): void {
  // State of a release that did not record the API may be reached through another one: every field counts.
  const why = strangerReason(state, live, strict || state.apiUrl === undefined);
  if (!why) return;
  const earlier =
    state.apiUrl === undefined
      ? "Its state comes from an earlier release, which did not record the API it lives at: if telephony:apiUrl changed since that release's last up, set it back; " +
        "if the configuration was changed by hand since, drop the resource from the state (pulumi state delete) and adopt it again with `import`."
      : "If the configuration this resource held was deleted and its id now names another, drop the resource from the state (pulumi state delete) and run pulumi up.";
  throw new Error(
    `configuration ${id} in organization ${orgOf(state)} at ${here()} is not the one "${state.name}" holds: ${why}. Nothing was written to it. ${earlier}`,
  );
}

/** The configuration at `id`; undefined when the API proves it gone (its own 404, confirmed by its list). */
async function fetched(client: TelephonyClient, id: string): Promise<ProviderConfiguration | undefined> {
  try {
    return await client.get(Number(id));
  } catch (error) {
    if (await confirmedGone(client, Number(id), error)) return undefined;
    throw error;
  }
}

/**
 * The live configuration at `id`, proved to be the one `state` holds before anything is written to it;
 * undefined when the API proves it gone. The operation's list serves every write in an organization,
 * so writes cost one request more per organization and operation, not one per configuration; an id
 * the list does not hold, or any when `fresh` (its secrets as they are now), is fetched. `strict` (a new
 * address of the API being recorded) also wants the fields last seen on a configuration without a mark.
 */
async function ownedLive(
  client: TelephonyClient,
  id: string,
  state: Partial<ConfigurationOutputs>,
  { strict = false, fresh = false } = {},
): Promise<ProviderConfiguration | undefined> {
  const live =
    (fresh ? undefined : (await listed(orgOf(state))).find((c) => c.id === Number(id))) ?? (await fetched(client, id));
  if (live) refuseStranger(id, state, live, strict);
  return live;
}

/**
 * The outputs with the configuration's identity: the API it lives at, the organization handle it is
 * reached with (the one sent as Org-Handle, not the API's spelling of it, so that comparing it with the
 * setting means what it says) and the holding resource's instance.
 */
function identified(outs: ConfigurationOutputs, orgHandle: string, instance: string | undefined): ConfigurationOutputs {
  return { ...outs, orgHandle, apiUrl: here(), ...(instance ? { instance } : {}) };
}

/** A secret stays in the outputs only while it is declared. */
function managedOnly(outs: ConfigurationOutputs, declared: Partial<ConfigurationInputs>): ConfigurationOutputs {
  const kept = { ...outs };
  for (const field of SECRET_INPUTS) if (declared[field] === undefined) delete kept[field];
  return kept;
}

const secretsOf = (...bags: Array<Partial<ConfigurationInputs> | undefined>) =>
  bags.flatMap((b) => [b?.apiKey, b?.apiSecret]);
const undeclaredSecrets = (inputs: Partial<ConfigurationInputs>) =>
  SECRET_INPUTS.filter((field) => inputs[field] === undefined);

// Pulumi's marker for a value not known until apply (preview of a value computed from another resource).
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export async function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<pulumi.dynamic.CheckResult> {
  const { __provider: _provider, ...args } = news;
  if (validateResourceArgs(args)) {
    const inputs = args as unknown as ConfigurationInputs;
    return { inputs: news, ...(blankSecret(inputs) ?? reservedMeta(inputs) ?? importHeld(olds, inputs)) };
  }
  // Names and reasons only: a failing value may be a secret. A value not yet known is judged at apply.
  const failures = (validateResourceArgs.errors ?? [])
    .map((e) => ({
      property: e.instancePath.split("/")[1] || String(e.params.missingProperty ?? e.params.additionalProperty ?? ""),
      reason:
        e.keyword === "additionalProperties"
          ? `unknown property ${String(e.params.additionalProperty)}`
          : (e.message ?? "is invalid"),
    }))
    .filter((f) => args[f.property] !== UNKNOWN);
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

/** A secret of only spaces would overwrite the live one with nothing: leave it out to leave that alone. */
function blankSecret(inputs: ConfigurationInputs): { failures: pulumi.dynamic.CheckFailure[] } | undefined {
  const blank = SECRET_INPUTS.filter(
    (field) => inputs[field] !== undefined && inputs[field] !== UNKNOWN && !inputs[field]!.trim(),
  );
  return blank.length
    ? {
        failures: blank.map((property) => ({
          property,
          reason: "is only whitespace: leave it out to leave the live value alone",
        })),
      }
    : undefined;
}

/** The mark's key is the create's to write: a declaration (in code; YAML keys cannot hold a colon) cannot. */
function reservedMeta(inputs: ConfigurationInputs): { failures: pulumi.dynamic.CheckFailure[] } | undefined {
  if (!inputs.meta || !Object.hasOwn(inputs.meta, OWNER_META_KEY)) return undefined;
  return {
    failures: [
      { property: "meta", reason: `the key ${OWNER_META_KEY} is reserved for the ownership mark a create writes` },
    ],
  };
}

/**
 * One id, one holder: an import (read only by a resource that has no state yet) of an id another
 * resource of the stack holds is refused, naming both. The stack program registers imports after the
 * other resources, so their diffs have run by then; renaming a key is what formerKeys are for.
 */
function importHeld(
  olds: Record<string, unknown>,
  inputs: ConfigurationInputs,
): { failures: pulumi.dynamic.CheckFailure[] } | undefined {
  if (Object.keys(olds).length || inputs.importId === undefined || !inputs.owner) return undefined;
  const holder = heldBy.get(inputs.importId);
  if (holder === undefined || holder === inputs.owner.resource) return undefined;
  const reason = `configuration ${inputs.importId} is held by resource "${holder}" of this stack, and one configuration has one resource: to rename "${holder}" to "${inputs.owner.resource}", declare formerKeys: [${holder}] instead of import`;
  return { failures: [{ property: "importId", reason }] };
}

export async function diff(
  id: string,
  olds: ConfigurationOutputs,
  news: ConfigurationInputs,
): Promise<pulumi.dynamic.DiffResult> {
  hold(Number(id), olds.instance);
  if (news.owner) {
    existing.set(ownerKey(news.owner), { id, state: olds });
    heldBy.set(Number(id), news.owner.resource);
  }
  const replaces: string[] = replacementsFor(olds, news);
  let moved = false;
  if (settings) {
    // Another API is never written to: refused here, before preview shows any step.
    const relation = apiRelation(olds.apiUrl, settings);
    if (relation === "other") throw new Error(otherApiMessage(id, olds, settings.apiUrl));
    // A new address of the API, or state of a release that did not record one: the update records it,
    // once the configuration there is proved to be this one (no write).
    moved = relation === "moved" || olds.apiUrl === undefined;
    // The organization is part of a configuration's identity: a new one means a new configuration there
    // (created first), and the old one deleted where it lives.
    if (olds.orgHandle && olds.orgHandle !== settings.orgHandle) {
      replaces.push("orgHandle");
      notice(
        `${news.name}: telephony:orgHandle is now ${settings.orgHandle}: configuration ${id} is replaced by a new one there, then deleted in ${olds.orgHandle}`,
      );
    }
  }
  const carried = undeclaredSecrets(news);
  if (replaces.length && carried.length) {
    notice(
      `${news.name}: the replacement of configuration ${id} carries its live ${carried.join(" and ")} over (not declared; read at the replacement, never stored)`,
    );
  }
  // A secret the state holds but the declaration no longer has leaves the state (no API call).
  // (An empty one, as earlier releases kept for secrets never declared, is no secret to release.)
  const released = SECRET_INPUTS.some((field) => !!olds[field] && news[field] === undefined);
  // A configuration recorded at a former address of the API records the new one (no API call).
  return {
    changes: changedFields(olds, news).length > 0 || replaces.length > 0 || released || moved,
    replaces,
    deleteBeforeReplace: false,
  };
}

export async function create(inputs: ConfigurationInputs): Promise<pulumi.dynamic.CreateResult> {
  const secrets = secretsOf(inputs);
  return guarded(secrets, async () => {
    const owner = inputs.owner;
    if (!owner)
      throw new Error(`"${inputs.name}" has no owner: declare it with telephony-config's ProviderConfiguration`);
    const replaced = existing.get(ownerKey(owner));
    // Configurations this resource's creates marked, held by no resource: one left by an interrupted
    // run, or the one `pulumi up --replace` replaces (the engine does not diff those, so the provider is
    // not told which configuration it replaces, nor that it is a replacement).
    const marked = replaced
      ? []
      : (await listed(configured().orgHandle)).filter(
          (c) => isMarkedBy(c, owner) && !holders.has(c.id) && !gone.has(c.id),
        );
    const undeclared = undeclaredSecrets(inputs);
    const declared = toCreateBody(inputs);
    const strangers = marked.filter((c) => c.id !== inputs.importId && !isCreatedFrom(declared, c));
    if (strangers.length && undeclared.length) {
      throw new Error(
        `configuration ${strangers.map((c) => c.id).join(", ")} carries the mark of "${owner.resource}" and is not what it would create now: ` +
          `either pulumi up --replace is replacing it, and its live ${undeclared.join(" and ")}, which the declaration leaves out, cannot be carried over ` +
          "(the engine does not tell the provider what a forced replacement replaces), or an interrupted run left it behind before the declaration changed. " +
          "Nothing was created. Declare the secrets to replace it (or change its meta: a replacement the provider sees carries them over); " +
          "delete one left behind.",
      );
    }
    // `import` is read only when the resource has no state: a replacement creates a new configuration,
    // and so does a re-creation after this operation's refresh found the configuration deleted.
    if (inputs.importId !== undefined && !replaced) {
      const adopted = await adopt(inputs.importId, inputs, owner);
      if (adopted) return { id: String(inputs.importId), outs: adopted };
      notice(
        `${inputs.name}: configuration ${inputs.importId} (import) was deleted; creating the configuration again ` +
          "(remove `import` from the declaration)",
      );
    }
    const carried = replaced ? await carriedSecrets(replaced.id, replaced.state, inputs) : {};
    secrets.push(carried.apiKey, carried.apiSecret);
    const instance = randomUUID();
    const mark = { ...owner, create: randomUUID() };
    const created = await createOnce(toCreateBody({ ...inputs, ...carried }, mark), mark, {
      client: api(),
      before: () => listed(configured().orgHandle),
      isKnown: (id) => holders.has(id) || gone.has(id),
      claim: (id) => hold(id, instance),
      notice,
    });
    // Carried secrets are not declared, so not the resource's: they stay out of its outputs.
    return { id: String(created.id), outs: identified(toOutputs(created, inputs), configured().orgHandle, instance) };
  });
}

/**
 * The live secrets of the configuration being replaced that the declaration leaves out, read now, so
 * that the new configuration has them: never stored, never printed. If they cannot be read, nothing is
 * created (and so nothing deleted).
 */
async function carriedSecrets(
  id: string,
  state: ConfigurationOutputs,
  inputs: ConfigurationInputs,
): Promise<Partial<ConfigurationInputs>> {
  const fields = undeclaredSecrets(inputs);
  if (!fields.length) return {};
  let live: ProviderConfiguration | undefined;
  try {
    live = await ownedLive(apiFor(id, state), id, state, { fresh: true });
  } catch (error) {
    throw new Error(
      `cannot replace configuration ${id}: its live ${fields.join(" and ")}, which the declaration leaves out, could not be read ` +
        `to carry them over, so nothing was created or deleted: ${(error as Error).message}`,
    );
  }
  if (!live) {
    // Deleted out of band: what it held is gone already, and nothing here can bring it back.
    notice(
      `${inputs.name}: configuration ${id}, being replaced, no longer exists: no ${fields.join(" or ")} to carry over`,
    );
    return {};
  }
  const values = { apiKey: live.api_key, apiSecret: live.api_secret };
  return Object.fromEntries(fields.filter((f) => values[f]).map((f) => [f, values[f]!]));
}

/**
 * Takes over an existing configuration: PATCHes what differs, refuses what only a replacement could
 * change, and what another stack or resource marked as its own. Undefined when this operation's refresh
 * found it deleted: it is to be created again. An id that does not exist otherwise is an error (a typo
 * must not create a duplicate of the one meant).
 */
async function adopt(id: number, inputs: ConfigurationInputs, owner: Owner): Promise<ConfigurationOutputs | undefined> {
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
  const markValue = markValueOf(live.meta_json);
  if (markValue !== undefined) {
    const mark = parseMark(markValue);
    if (!mark || mark.stack !== owner.stack || mark.resource !== owner.resource) {
      const by = mark ? describeOwner(mark) : "an ownership mark that is not this project's";
      const rename =
        mark?.stack === owner.stack
          ? ` To rename that resource, declare it under the new key with formerKeys: [${mark.resource}].`
          : "";
      throw new Error(
        `cannot adopt configuration ${id} ("${live.name}"): it is managed by ${by} (its ownership mark), and never taken from it.${rename}`,
      );
    }
  }
  const instance = randomUUID();
  hold(id, instance);
  const outputs = identified(toOutputs(live, inputs), configured().orgHandle, instance);
  const replaces = replacementsFor(outputs, inputs);
  if (replaces.length) {
    const detail = replaces.map((f) =>
      f === "provider"
        ? `provider is ${outputs.provider}, declared ${inputs.provider}`
        : "meta differs from the declaration",
    );
    throw new Error(
      `cannot adopt configuration ${id} ("${live.name}"): ${detail.join("; ")}. ` +
        "The API cannot change provider or meta in place, and adopting would replace someone's live configuration: " +
        "make the declaration match it, or drop `import` to create a new one.",
    );
  }
  const patch = patchFor(outputs, inputs);
  return Object.keys(patch).length
    ? identified(toOutputs(await api().update(id, patch), inputs), configured().orgHandle, instance)
    : outputs;
}

export async function read(id: string, props: ConfigurationOutputs): Promise<pulumi.dynamic.ReadResult> {
  return guarded(secretsOf(props), async () => {
    hold(Number(id), props.instance);
    // Deleted out of band, as the API itself says and its list confirms: an empty id tells the engine
    // the resource is gone. Any other answer (a proxy's page, a wrong base path) is an error, and the
    // state stays.
    const live = await fetched(apiFor(id, props), id);
    if (!live) return { id: undefined, props: {} } as unknown as pulumi.dynamic.ReadResult;
    // Another configuration at this id is not this resource's: its fields never enter the state.
    refuseStranger(id, props, live);
    // Only the secrets the state holds are managed; the others are not read into it.
    const outs = identified(toOutputs(live, props), orgOf(props), props.instance);
    // Inputs that mirror what is live, so that the next diff shows drift field by field. Empty
    // optional fields are left out, as an undeclared one is; secrets stay marked as secrets.
    const inputs: Record<string, unknown> = {
      name: outs.name,
      provider: outs.provider,
      active: outs.active,
      meta: outs.meta,
    };
    if (outs.apiKey) inputs.apiKey = secret(outs.apiKey);
    if (outs.apiSecret) inputs.apiSecret = secret(outs.apiSecret);
    if (outs.baseUrl) inputs.baseUrl = outs.baseUrl;
    if (outs.sipUrl) inputs.sipUrl = outs.sipUrl;
    return { id, props: outs, inputs };
  });
}

export async function update(
  id: string,
  olds: ConfigurationOutputs,
  news: ConfigurationInputs,
): Promise<pulumi.dynamic.UpdateResult> {
  return guarded(secretsOf(olds, news), async () => {
    hold(Number(id), olds.instance);
    const client = apiFor(id, olds);
    const patch = patchFor(olds, news);
    // Recording the API's address (a new one, or the first): the configuration there must be the one last seen.
    const moved = olds.apiUrl === undefined || apiRelation(olds.apiUrl, configured()) === "moved";
    if (!Object.keys(patch).length && !moved) return { outs: managedOnly(olds, news) };
    if (!(await ownedLive(client, id, olds, { strict: moved }))) {
      throw new Error(
        `configuration ${id} ("${olds.name}") was deleted out of band: run pulumi up --refresh to create it again`,
      );
    }
    if (!Object.keys(patch).length) return { outs: { ...managedOnly(olds, news), apiUrl: here() } };
    return { outs: identified(toOutputs(await client.update(Number(id), patch), news), orgOf(olds), olds.instance) };
  });
}

export async function remove(id: string, props: ConfigurationOutputs): Promise<void> {
  return guarded(secretsOf(props), async () => {
    // A resource that left the program while another took its configuration over (a renamed key)
    // must not delete what the other now holds.
    const others = [...(holders.get(Number(id)) ?? [])].filter((instance) => instance !== props.instance);
    if (others.length) {
      notice(
        `configuration ${id} is held by another resource of this stack: removed from the state of the old one, not deleted`,
      );
      return;
    }
    const client = apiFor(id, props);
    // Already gone, as the API itself says and its list confirms: nothing to delete.
    if (!(await ownedLive(client, id, props))) return;
    try {
      await client.delete(Number(id));
    } catch (error) {
      if (!(await confirmedGone(client, Number(id), error))) throw error;
    }
    // Gone for the rest of the operation: a create that lists later must not take it for its own.
    gone.add(Number(id));
  });
}

/** What the module kept in state hands to Pulumi's dynamic provider host. */
export const provider = { configure, check, diff, create, read, update, delete: remove };
