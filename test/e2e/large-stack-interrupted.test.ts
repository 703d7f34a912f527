// The large-stack mode's safety, through the real Pulumi CLI: with intermediate checkpoints skipped,
// a `kill -9` leaves the state as it was before the run, whatever the run did to the API. Cut off at
// several points of a create, an update of everything and a destroy of a few hundred configurations,
// with and without lost answers, the next run converges: no duplicate, no orphan, no blanked secret,
// state equal to live.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { markOf } from "../../src/model/index.js";
import type { RequestLogEntry } from "../../src/server/request-log.js";
import { leaks } from "../helpers/leaks.js";
import { killedRun } from "../helpers/killed-run.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

const COUNT = 300;
const KEYS = Array.from({ length: COUNT }, (_, i) => `cfg-${i}`);
/** The large-stack mode: the stack's opt-in, and the engine's switch in the environment of every command. */
const LARGE_STACK = { PULUMI_SKIP_CHECKPOINTS: "true" };
/** The declared secret of each version of the declarations: a blanked or stale one shows. */
const API_KEYS = { 1: "large-stack-key-one-4d2a", 2: "large-stack-key-two-9b7e" } as const;
type Version = keyof typeof API_KEYS;

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const sipUrl = (version: Version, name: string) => `sip:v${version}-${name.slice("Config ".length)}@example.com`;

/** Every configuration declares its secret by reference (a secret stack config), and a version of its SIP URL. */
const declarations = (version: Version) =>
  [
    "configurations:",
    ...KEYS.map(
      (key, i) =>
        `  ${key}:\n    name: Config ${i}\n    provider: 3\n    sipUrl: ${sipUrl(version, `Config ${i}`)}\n    apiKey: \${secret:apiKeyV${version}}`,
    ),
  ].join("\n");

async function largeStack(): Promise<TelephonyStack> {
  const stack = await telephonyStack();
  await stack.stack.setAllConfig({
    "telephony:largeStack": { value: "true" },
    apiKeyV1: { value: API_KEYS[1], secret: true },
    apiKeyV2: { value: API_KEYS[2], secret: true },
  });
  return stack;
}

const WRITE = { up: "POST", update: "PATCH", destroy: "DELETE" } as const;
type Kind = keyof typeof WRITE;
const ARGS: Record<Kind, string[]> = {
  up: ["up", "--yes", "--skip-preview"],
  update: ["up", "--yes", "--skip-preview"],
  destroy: ["destroy", "--yes", "--skip-preview"],
};
/** Lost answers: the write is carried out, then its answer is dropped or replaced by a proxy's 502 page. */
const LOST = { lost: 0.05, gateway: 0.05 };

const live = (stack: TelephonyStack) => stack.api.server.store.all().filter((c) => c.org_handle === "dev-org");

interface StateResource {
  type: string;
  id: string;
  outputs: Record<string, unknown>;
}
interface State {
  configurations: StateResource[];
  pending: unknown[];
}

/**
 * The stack's state as the file backend holds it (what `pulumi stack export` prints, read without
 * starting the CLI: this file reads it around every kill).
 */
function state(stack: TelephonyStack): State {
  const file = join(stack.t.backendDir, ".pulumi", "stacks", "telephony-config", "test.json");
  const latest = (JSON.parse(readFileSync(file, "utf8")) as { checkpoint: { latest?: Record<string, unknown[]> } })
    .checkpoint.latest;
  return {
    configurations: ((latest?.resources ?? []) as StateResource[]).filter((r) =>
      r.type.endsWith(":ProviderConfiguration"),
    ),
    pending: latest?.pending_operations ?? [],
  };
}

/** The file backend's locks on the stack (each with its .attrs file beside it): a killed CLI leaves its own behind. */
const locks = (stack: TelephonyStack) => {
  const dir = join(stack.t.backendDir, ".pulumi", "locks", "organization", "telephony-config", "test");
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".json")) : [];
};

const sent = (entries: RequestLogEntry[], method: string) => entries.filter((r) => r.method === method).length;
const created = (entries: RequestLogEntry[]) => entries.filter((r) => r.method === "POST" && r.status < 300).length;
/** The ids of the configurations a run took over (the CLI prints each notice twice: as it happens, and in its summary). */
const took = (text: string) => new Set([...text.matchAll(/took over configuration (\d+)/g)].map((m) => Number(m[1])));

interface Failure {
  stdout: string;
  stderr: string;
}

/** Runs `args` until it succeeds, at most `max` times; what each failed run said, and all the output. */
async function untilConverged(stack: TelephonyStack, args: string[], max: number) {
  const failures: string[] = [];
  let output = "";
  for (let run = 1; run <= max; run++) {
    try {
      const { stdout, stderr } = await stack.t.cli(args, LARGE_STACK);
      return { runs: run, failures, output: output + stdout + stderr };
    } catch (error) {
      const { stdout, stderr } = error as Failure;
      output += stdout + stderr;
      failures.push(stdout + stderr);
    }
  }
  throw new Error(`pulumi ${args[0]} did not converge in ${max} runs:\n${failures.join("\n---\n")}`);
}

/** What the provider says when a lost answer fails a step: what happened, and that the next run finds out. */
const RECOVERABLE =
  /the next `pulumi up` looks for it|was already created by an earlier run whose answer was lost, so it was not created|so it is not taken as deleted/;

/**
 * One interruption: `kind` cut off after `fraction` of its writes (the server slowed a little, so that
 * the kill lands mid-run), the lock it left cancelled, then the same command until it succeeds (once,
 * without lost answers). What the run had done when it was killed, and what recovery took, are printed.
 */
async function interrupted(stack: TelephonyStack, kind: Kind, fraction: number, faulty: boolean) {
  const server = stack.api.server;
  const from = server.requests.length;
  const before = state(stack);
  server.faults.latencyMs = 10;
  if (faulty) server.faults.rates = LOST;
  const kill = await killedRun({
    args: [...ARGS[kind], "--stack", "test"],
    cwd: stack.project.dir,
    env: { ...process.env, ...stack.t.env, ...LARGE_STACK },
    requests: server.requests,
    counts: (r) => r.method === WRITE[kind],
    at: Math.round(COUNT * fraction),
  });
  server.faults.latencyMs = 0;
  const atKill = server.requests.slice(from);
  const liveAtKill = live(stack).map((c) => c.id);
  // What an update had changed: the new secret, of which the state, as before the run, knows nothing.
  const updatedAtKill = live(stack).filter((c) => c.api_key === API_KEYS[2]).length;
  const stateAtKill = state(stack);
  // Checkpoints skipped: the killed run wrote nothing of its progress; its lock stays behind.
  expect(stateAtKill).toEqual(before);
  expect(locks(stack)).toHaveLength(1);
  await stack.t.cli(["cancel", "--yes"]);
  expect(locks(stack)).toEqual([]);

  const recovery = await untilConverged(stack, ARGS[kind], faulty ? 3 : 1);
  server.faults.rates = {};
  // A run that failed on a lost answer said so in the provider's words, and no secret is ever printed.
  for (const failure of recovery.failures) {
    expect(failure).toMatch(RECOVERABLE);
    expect(failure).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  }
  expect(leaks(recovery.output, Object.values(API_KEYS))).toEqual([]);
  const after = state(stack);
  console.log(
    `${kind === "up" ? "create" : kind} killed after ${fraction * 100}% of its ${WRITE[kind]} requests${faulty ? ", with lost answers" : ""}: ` +
      `at the kill ${liveAtKill.length} live${kind === "update" ? ` (${updatedAtKill} updated)` : ""}, ` +
      `${stateAtKill.configurations.length} in state, sent ` +
      `${sent(atKill, "POST")} POST, ${sent(atKill, "PATCH")} PATCH, ${sent(atKill, "DELETE")} DELETE ` +
      `(${kill.atKill} ${WRITE[kind]} when killed); after recovery ${live(stack).length} live, ` +
      `${after.configurations.length} in state, ${recovery.runs} run${recovery.runs > 1 ? "s" : ""}, ` +
      `${took(recovery.output).size} taken over`,
  );
  return { liveAtKill, recovery, requests: server.requests.slice(from), state: after };
}

/** Exactly the declared configurations, each once, with its declared secret, in state as they are live. */
async function expectConverged(stack: TelephonyStack, version: Version, after: State) {
  const configurations = live(stack);
  expect(configurations).toHaveLength(COUNT);
  // One per resource key, by the mark its create wrote.
  expect(configurations.map((c) => markOf(c.meta_json)?.resource).sort()).toEqual([...KEYS].sort());
  expect(configurations.filter((c) => c.api_key !== API_KEYS[version]).map((c) => c.id)).toEqual([]);
  expect(after.pending).toEqual([]);
  const inState = Object.fromEntries(after.configurations.map((r) => [r.id, fieldsOf(r.outputs)]));
  expect(inState).toEqual(
    Object.fromEntries(
      configurations.map((c) => [
        String(c.id),
        { name: c.name, sipUrl: c.sip_url, provider: c.provider, active: c.active },
      ]),
    ),
  );
  expect(configurations.filter((c) => c.sip_url !== sipUrl(version, c.name)).map((c) => c.id)).toEqual([]);
  await stack.t.cli(["preview", "--expect-no-changes", "--refresh"], LARGE_STACK);
}

const fieldsOf = (outputs: Record<string, unknown>) => ({
  name: outputs.name,
  sipUrl: outputs.sipUrl,
  provider: outputs.provider,
  active: outputs.active,
});

/** A round: create, update of all and destroy, each cut off after `fraction` of its writes, each recovered. */
async function round(fraction: number, faulty: boolean) {
  s = await largeStack();
  // Created from nothing, cut off: what the killed run made is taken over by its mark, nothing made twice.
  await s.declare(declarations(1));
  const up = await interrupted(s, "up", fraction, faulty);
  await expectConverged(s, 1, up.state);
  expect([created(up.requests), sent(up.requests, "DELETE")]).toEqual([COUNT, 0]);
  // Each configuration the killed run made is taken over; with lost answers, so are the recovery's own
  // creates whose answers were lost.
  const takenOver = took(up.recovery.output);
  expect(up.liveAtKill.filter((id) => !takenOver.has(id))).toEqual([]);
  if (!faulty) expect(takenOver.size).toBe(up.liveAtKill.length);

  // Every configuration changed (its SIP URL and its secret), cut off: the next up updates the same ones.
  const ids = live(s).map((c) => c.id);
  await s.declare(declarations(2));
  const update = await interrupted(s, "update", fraction, faulty);
  await expectConverged(s, 2, update.state);
  expect(live(s).map((c) => c.id)).toEqual(ids);
  expect([sent(update.requests, "POST"), sent(update.requests, "DELETE")]).toEqual([0, 0]);

  // Destroyed, cut off: the next destroy deletes the rest; nothing live, nothing in state.
  const destroy = await interrupted(s, "destroy", fraction, faulty);
  expect(live(s)).toEqual([]);
  expect(destroy.state).toEqual({ configurations: [], pending: [] });
  expect([sent(destroy.requests, "POST"), sent(destroy.requests, "PATCH")]).toEqual([0, 0]);
}

describe("the large-stack mode through the real Pulumi CLI: kill -9 at any point, the next run converges", () => {
  // Several minutes on a busy two-core machine: each round runs a dozen Pulumi commands over 300 resources.
  it.for([{ percent: 10 }, { percent: 50 }, { percent: 90 }])(
    "create, an update of every configuration and destroy, each cut off after $percent% of its writes",
    { timeout: 600_000 },
    ({ percent }) => round(percent / 100, false),
  );

  it(
    "the same, cut off after half of its writes, with 5% of the answers lost and 5% replaced by a proxy's 502 page, in the killed run and in the recovery",
    { timeout: 600_000 },
    () => round(0.5, true),
  );
});
