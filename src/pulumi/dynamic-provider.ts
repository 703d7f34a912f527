// The dynamic provider Pulumi's nodejs host serves: a thin host over src/runtime/. Loaded by name
// ("telephony-config/provider-runtime") from the program's directory by the module kept in state
// (PROVIDER_MODULE in resource.ts), so that what runs is always this package's current code.
import { fstatSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import type { ConfigurationInputs, ConfigurationOutputs } from "../model/index.js";
import { configure as configureRuntime, isBug, type ProviderRuntime } from "../runtime/index.js";
import { LARGE_STACK_KEY, refuseUnoptedSkip } from "../settings/large-stack.js";
import { resolveSettings } from "../settings/settings.js";

// Pulumi's marker for a secret value in a property map (sdk/go/common/resource/sig).
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Lines on the provider's stderr reach the output of `pulumi up` and `preview`, with either language
 * host: the engine forwards a plugin's output as info messages.
 */
const notice = (message: string) => console.error(`telephony-config: ${message}`);

// The engine configures the provider before its operation; check may come first in a program's tests.
let runtime: ProviderRuntime = configureRuntime({
  settings: () => {
    throw new Error("the dynamic provider was not configured");
  },
  notice,
  mayWrite: () => undefined,
});

/** Stack config reaches a dynamic provider only here (@pulumi/pulumi >= 3.139). */
export function configure(req: pulumi.dynamic.ConfigureRequest): void {
  stopWithTheEngine();
  quietenTheHost();
  // The engine configures its provider process once, before its operation. The host configures again
  // each further provider module text it meets in the operation (state written with an earlier
  // PROVIDER_MODULE, loaded as a second module that reaches this same one): same operation, same
  // config, so the operation's runtime (what it holds, listed, proved gone) stays.
  if (configuredByHost) return;
  configuredByHost = inHost();
  runtime = configureRuntime({
    settings: () => resolveSettings((key) => req.config.get(key), process.env, "the stack's config"),
    notice,
    mayWrite: () => refuseUnoptedSkip(req.config.get(LARGE_STACK_KEY), process.env),
  });
}

/**
 * The engine holds the other end of its plugins' standard input: when that closes, the engine is gone
 * (killed, or its CLI interrupted), and nothing this process would still send could be recorded in
 * the state. Stop at once rather than go on writing.
 */
let watching = false;
let configuredByHost = false;
/** The process the engine launched to serve the dynamic provider (its host script), not a program or test that loads this module. */
const inHost = () => /[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/.test(process.argv[1] ?? "");
function stopWithTheEngine(): void {
  if (watching || !inHost() || !isPipe(0)) return;
  watching = true;
  process.stdin
    .on("end", () => process.exit(1))
    .on("error", () => process.exit(1))
    .resume();
}
/**
 * Pulumi's host script prints an error of check, diff, read or delete on stderr before it answers the
 * engine with its message: `${error}: ${error.stack}`, the message twice and a stack trace, which
 * the engine shows as the stack's diagnostics besides the resource's own error. For an error the user
 * fixes from its message, that print is dropped (the exact line, nothing else); a bug's stays.
 */
const unprinted = new Set<string>();
let quietened = false;
function quietenTheHost(): void {
  if (quietened || !inHost()) return;
  quietened = true;
  const print = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && unprinted.delete(args[0])) return;
    print(...args);
  };
}

/** Runs one call of the host; `printed` when the host script prints what it throws. */
async function answer<T>(printed: boolean, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (printed && quietened && !isBug(error)) unprinted.add(`${String(error)}: ${(error as Error).stack}`);
    throw error;
  }
}

function isPipe(fd: number): boolean {
  try {
    return fstatSync(fd).isFIFO();
  } catch {
    return false;
  }
}

export async function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<pulumi.dynamic.CheckResult> {
  const { __provider: _provider, ...args } = news;
  return answer(true, () => {
    const failures = runtime.check(olds, args);
    return failures.length ? { inputs: news, failures } : { inputs: news };
  });
}

export async function diff(
  id: string,
  olds: ConfigurationOutputs,
  news: ConfigurationInputs,
): Promise<pulumi.dynamic.DiffResult> {
  return answer(true, () => {
    const entries = runtime.diff(id, olds, news);
    return {
      changes: entries.length > 0,
      replaces: entries.filter((e) => e.kind === "replace").map((e) => e.field),
      deleteBeforeReplace: false,
    };
  });
}

// The outputs' secrets need no wrapping: the resource declares them additionalSecretOutputs.
export async function create(inputs: ConfigurationInputs): Promise<pulumi.dynamic.CreateResult> {
  const { id, outputs } = await answer(false, () => runtime.create(inputs));
  return { id, outs: outputs };
}

export async function read(id: string, props: ConfigurationOutputs): Promise<pulumi.dynamic.ReadResult> {
  const found = await answer(true, () => runtime.read(id, props));
  // An empty id tells the engine the resource is gone.
  if (!found) return { id: undefined, props: {} } as unknown as pulumi.dynamic.ReadResult;
  const inputs = { ...found.inputs };
  for (const field of found.secrets)
    if (inputs[field] !== undefined) inputs[field] = { [SECRET_SIG]: SECRET_MARK, value: inputs[field] };
  return { id, props: found.outputs, inputs };
}

export async function update(
  id: string,
  olds: ConfigurationOutputs,
  news: ConfigurationInputs,
): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: (await answer(false, () => runtime.update(id, olds, news))).outputs };
}

export async function remove(id: string, props: ConfigurationOutputs): Promise<void> {
  await answer(true, () => runtime.delete(id, props));
}

/** What the module kept in state hands to Pulumi's dynamic provider host. */
export const provider = { configure, check, diff, create, read, update, delete: remove };
