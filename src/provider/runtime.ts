// The dynamic provider's implementation. Loaded by name from the program's directory by the one-line
// module kept in state (PROVIDER_MODULE in resource.ts), so that what runs is always this package's
// current code. Knows Pulumi's dynamic-provider interface; reaches the API only through the client.
import type * as pulumi from "@pulumi/pulumi";
import type { TelephonyClient } from "../client/client.js";
import { isNotFound } from "../client/errors.js";
import { redact } from "../client/redact.js";
import { validateResourceArgs } from "../schemas.js";
import {
  changedFields,
  patchFor,
  replacementsFor,
  toCreateBody,
  toOutputs,
  type ConfigurationInputs,
  type ConfigurationOutputs,
} from "./mapping.js";
import { clientFor, resolveSettings, type ApiSettings } from "./settings.js";

// Pulumi's marker for a secret value in a property map (sdk/go/common/resource/sig).
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: string) => ({ [SECRET_SIG]: SECRET_MARK, value });

let settings: ApiSettings | undefined;
let settingsError: Error | undefined;
let client: TelephonyClient | undefined;

/** Stack config reaches a dynamic provider only here (@pulumi/pulumi >= 3.139). */
export function configure(req: pulumi.dynamic.ConfigureRequest): void {
  try {
    settings = resolveSettings((key) => req.config.get(key), process.env);
  } catch (error) {
    // Reported by the first operation that needs the API: check and diff do not.
    settingsError = error as Error;
  }
}

function api(): TelephonyClient {
  if (!client) {
    if (!settings) throw settingsError ?? new Error("the dynamic provider was not configured");
    client = clientFor(settings);
  }
  return client;
}

/** Errors leave the provider as plain messages, with every secret this call knew masked. */
async function guarded<T>(secrets: Array<string | undefined>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(redact(message, [settings?.apiToken, ...secrets]));
  }
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
  _id: string,
  olds: ConfigurationOutputs,
  news: ConfigurationInputs,
): Promise<pulumi.dynamic.DiffResult> {
  const replaces = replacementsFor(olds, news);
  return { changes: changedFields(olds, news).length > 0, replaces, deleteBeforeReplace: false };
}

export async function create(inputs: ConfigurationInputs): Promise<pulumi.dynamic.CreateResult> {
  return guarded(secretsOf(inputs), async () => {
    if (inputs.importId === undefined) {
      const created = await api().create(toCreateBody(inputs));
      return { id: String(created.id), outs: toOutputs(created) };
    }
    return { id: String(inputs.importId), outs: await adopt(inputs.importId, inputs) };
  });
}

/** Takes over an existing configuration: PATCHes what differs, refuses what only a replacement could change. */
async function adopt(id: number, inputs: ConfigurationInputs): Promise<ConfigurationOutputs> {
  let live;
  try {
    live = await api().get(id);
  } catch (error) {
    if (isNotFound(error)) {
      throw new Error(`cannot adopt configuration ${id}: it does not exist in organization ${settings!.orgHandle}`);
    }
    throw error;
  }
  const outputs = toOutputs(live);
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
  return Object.keys(patch).length ? toOutputs(await api().update(id, patch)) : outputs;
}

export async function read(id: string, props: ConfigurationOutputs): Promise<pulumi.dynamic.ReadResult> {
  return guarded(secretsOf(props), async () => {
    let live;
    try {
      live = await api().get(Number(id));
    } catch (error) {
      // Deleted out of band: an empty id tells the engine the resource is gone.
      if (isNotFound(error)) return { id: undefined, props: {} } as unknown as pulumi.dynamic.ReadResult;
      throw error;
    }
    const outs = toOutputs(live);
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
    const patch = patchFor(olds, news);
    if (!Object.keys(patch).length) return { outs: olds };
    return { outs: toOutputs(await api().update(Number(id), patch)) };
  });
}

export async function remove(id: string, props: ConfigurationOutputs): Promise<void> {
  return guarded(secretsOf(props), async () => {
    try {
      await api().delete(Number(id));
    } catch (error) {
      if (!isNotFound(error)) throw error; // already gone
    }
  });
}

/** What the module kept in state hands to Pulumi's dynamic provider host. */
export const provider = { configure, check, diff, create, read, update, delete: remove };
