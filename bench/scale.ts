// npm run bench:scale — how the cost of a stack's commands grows with its size (BENCH_SIZES, default
// 100, 300, 1,000 and 2,000 declared configurations), through the real Pulumi CLI against the local API
// server: `pulumi up` creating them, an `up` updating them all, `preview --refresh`, `telephony-config
// drift --stack` and `destroy`, beside the engine's floor (the no-op dynamic program's `up` and `destroy`
// of as many resources). In two modes, each with a backend, stacks and organization of its own:
// checkpointed (Pulumi's default, the state written after every step) and large-stack
// (telephony:largeStack true, PULUMI_SKIP_CHECKPOINTS=true). At each size, BENCH_ROUNDS rounds; within a
// round each command's runs in the two modes (and the floors) alternate, and which goes first rotates
// with the round, so that a noisy machine weighs on all of them. The checkpointed mode is quadratic in
// the engine: it is measured only at BENCH_CHECKPOINTED_SIZES. Prints medians with their spread, the
// growth per step, the ratio to the floor, the API calls, and the issue's goals (printed, not asserted).
import { join } from "node:path";
import { TelephonyClient } from "../src/client/index.js";
import { root, Scratch } from "./scratch.js";
import { startServerThread } from "./server-thread.js";

function sizes(variable: string, fallback: string): number[] {
  const text = process.env[variable] ?? fallback;
  const values = text.split(",").map((s) => Number(s.trim()));
  if (!values.length || values.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`${variable} must be sizes separated by commas, such as ${fallback}; it is "${text}"`);
  return [...new Set(values)].sort((a, b) => a - b);
}

const SIZES = sizes("BENCH_SIZES", "100,300,1000,2000");
const CHECKPOINTED_SIZES = sizes("BENCH_CHECKPOINTED_SIZES", "100,300,1000");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS must be a whole number >= 1`);
const TOKEN = "bench-token";
const NOT_MEASURED = "not measured (BENCH_CHECKPOINTED_SIZES)";

const COMMANDS = ["up", "update all", "preview --refresh", "drift", "destroy", "floor up", "floor destroy"] as const;
type Command = (typeof COMMANDS)[number];
/** The commands whose API calls should be one per configuration. */
const ONE_CALL_EACH: Command[] = ["up", "update all", "destroy"];

interface Mode {
  name: "checkpointed" | "large-stack";
  title: string;
  org: string;
  scratch: Scratch;
  real: string;
  noop: string;
  measuredAt(size: number): boolean;
}

const UP = ["up", "--yes", "--skip-preview"];
const DESTROY = ["destroy", "--yes", "--skip-preview"];
const cli = join(root, "bin/telephony-config.js");

function makeMode(name: Mode["name"], org: string, apiUrl: string): Mode {
  const large = name === "large-stack";
  // Undefined removes a PULUMI_SKIP_CHECKPOINTS inherited from the caller: the checkpointed mode is the default's.
  const scratch = new Scratch({ PULUMI_SKIP_CHECKPOINTS: large ? "true" : undefined });
  const real = scratch.telephonyProject(SIZES[0]!, apiUrl, TOKEN, org);
  const noop = scratch.project(
    "noop",
    "name: bench-noop\nruntime: { name: nodejs, options: { typescript: false } }\nmain: dist/bench/noop-program.js\n",
  );
  scratch.pulumi(noop, ["stack", "init"]);
  if (large) for (const dir of [real, noop]) scratch.pulumi(dir, ["config", "set", "telephony:largeStack", "true"]);
  return {
    name,
    title: large
      ? "large-stack mode (telephony:largeStack true, PULUMI_SKIP_CHECKPOINTS=true)"
      : "checkpointed mode (Pulumi's default)",
    org,
    scratch,
    real,
    noop,
    measuredAt: (size) => large || CHECKPOINTED_SIZES.includes(size),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const withSpread = (xs: number[], digits: number, unit = "") =>
  xs.length > 1
    ? `${median(xs).toFixed(digits)}${unit} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`
    : `${median(xs).toFixed(digits)}${unit}`;
const table = (header: string[], rows: string[][]) =>
  [header, header.map((_, i) => (i ? "---:" : "---")), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");

const started = performance.now();
const server = await startServerThread(undefined, ["bench-ckpt", "bench-large"]);
const client = new TelephonyClient({ baseUrl: server.url, token: TOKEN, productId: 1 });
const modes: Mode[] = [];
// "mode|size|command" → one value per round.
const seconds = new Map<string, number[]>();
const calls = new Map<string, number[]>();
const floorRatios = new Map<string, number[]>();
const key = (mode: Mode, size: number, what: string) => `${mode.name}|${size}|${what}`;
const push = (map: Map<string, number[]>, k: string, value: number) => map.set(k, [...(map.get(k) ?? []), value]);

/** The API holds `count` configurations in each of the modes' organizations; else fails loudly. */
async function expectLive(active: Mode[], count: number, when: string) {
  for (const mode of active) {
    const live = (await client.inOrganization(mode.org).list()).length;
    if (live !== count)
      throw new Error(`${when}: the API holds ${live} configurations of the ${mode.name} mode's stack, not ${count}`);
  }
}

try {
  modes.push(makeMode("checkpointed", "bench-ckpt", server.url));
  modes.push(makeMode("large-stack", "bench-large", server.url));
  for (const size of SIZES) {
    const active = modes.filter((m) => m.measuredAt(size));
    for (const mode of active) {
      mode.scratch.declare(mode.real, size);
      mode.scratch.pulumi(mode.noop, ["config", "set", "count", String(size)]);
    }
    for (let round = 1; round <= ROUNDS; round++) {
      console.error(`size ${size}, round ${round} of ${ROUNDS}: ${active.map((m) => m.name).join(", ")}`);
      /** Runs each step once, the first one rotating with the round. */
      const alternate = async (steps: Array<[Mode, Command, () => number]>) => {
        for (let i = 0; i < steps.length; i++) {
          const [mode, command, run] = steps[(i + round - 1) % steps.length]!;
          const before = await server.ask<number>("requests");
          const s = run();
          const n = (await server.ask<number>("requests")) - before;
          push(seconds, key(mode, size, command), s);
          push(calls, key(mode, size, command), n);
          console.error(
            `  ${String(size).padStart(5)}  ${mode.name.padEnd(12)}  ${command.padEnd(17)} ${s.toFixed(2).padStart(7)} s  ${String(n).padStart(5)} API calls`,
          );
        }
      };
      const each = (command: Command, run: (m: Mode) => number) =>
        active.map((m): [Mode, Command, () => number] => [m, command, () => run(m)]);
      const interleave = <T>(a: T[], b: T[]) => a.flatMap((x, i) => [x, b[i]!]);

      await alternate(
        interleave(
          each("up", (m) => m.scratch.pulumi(m.real, UP)),
          each("floor up", (m) => m.scratch.pulumi(m.noop, UP)),
        ),
      );
      await expectLive(active, size, `after up of ${size}`);
      for (const mode of active) mode.scratch.declare(mode.real, size, round);
      await alternate(each("update all", (m) => m.scratch.pulumi(m.real, UP)));
      await alternate(
        each("preview --refresh", (m) => m.scratch.pulumi(m.real, ["preview", "--refresh", "--expect-no-changes"])),
      );
      // Exits 0 only in sync: Scratch.run throws on drift (2) or an error (1).
      await alternate(
        each("drift", (m) => m.scratch.run(m.real, process.execPath, [cli, "drift", "--stack", "bench"])),
      );
      await alternate(
        interleave(
          each("destroy", (m) => m.scratch.pulumi(m.real, DESTROY)),
          each("floor destroy", (m) => m.scratch.pulumi(m.noop, DESTROY)),
        ),
      );
      // The next round starts from nothing: one list of every organization the token sees.
      const left = (await client.list()).length;
      if (left)
        throw new Error(`after the destroys of size ${size}, round ${round}: ${left} configurations left in the API`);
      for (const mode of active) {
        mode.scratch.declare(mode.real, size);
        for (const [ours, floor] of [
          ["up", "floor up"],
          ["destroy", "floor destroy"],
        ] as const) {
          const at = (c: Command) => seconds.get(key(mode, size, c))!.at(-1)!;
          push(floorRatios, key(mode, size, ours), at(ours) / at(floor));
        }
      }
    }
  }

  const minutes = (performance.now() - started) / 60_000;
  console.log(
    `bench:scale — ${SIZES.join(", ")} declared configurations, real Pulumi CLI, local API server, ${ROUNDS} alternating round(s) per size (${minutes.toFixed(1)} min in all)`,
  );
  const steps = SIZES.slice(1).map((to, i) => [SIZES[i]!, to] as const);
  for (const mode of modes) {
    const cell = (size: number, render: () => string) => (mode.measuredAt(size) ? render() : NOT_MEASURED);
    console.log(`\n## ${mode.title}\n\nseconds, median (min–max) over the rounds\n`);
    console.log(
      table(
        ["command", ...SIZES.map(String)],
        COMMANDS.map((c) => [c, ...SIZES.map((n) => cell(n, () => withSpread(seconds.get(key(mode, n, c))!, 2)))]),
      ),
    );
    console.log(
      `\ngrowth of the median per step (the work grows ${steps.map(([a, b]) => `${(b / a).toFixed(1)}×`).join(", ")})\n`,
    );
    console.log(
      table(
        ["command", ...steps.map(([a, b]) => `${a}→${b}`)],
        COMMANDS.map((c) => [
          c,
          ...steps.map(([a, b]) =>
            mode.measuredAt(a) && mode.measuredAt(b)
              ? `${(median(seconds.get(key(mode, b, c))!) / median(seconds.get(key(mode, a, c))!)).toFixed(2)}×`
              : NOT_MEASURED,
          ),
        ]),
      ),
    );
    console.log(`\nours / the engine's floor, median of the rounds' ratios (min–max)\n`);
    console.log(
      table(
        ["", ...SIZES.map(String)],
        (["up", "destroy"] as const).map((c) => [
          `${c} / floor ${c}`,
          ...SIZES.map((n) => cell(n, () => withSpread(floorRatios.get(key(mode, n, c))!, 2, "×"))),
        ]),
      ),
    );
    console.log(`\nAPI calls, median over the rounds (per configuration)\n`);
    console.log(
      table(
        ["command", ...SIZES.map(String)],
        COMMANDS.filter((c) => !c.startsWith("floor")).map((c) => [
          c,
          ...SIZES.map((n) =>
            cell(n, () => {
              const m = median(calls.get(key(mode, n, c))!);
              return `${m} (${(m / n).toFixed(2)})`;
            }),
          ),
        ]),
      ),
    );
  }

  const large = modes[1]!;
  const at = (size: number, what: () => number, goal: number, unit: string) => {
    if (!SIZES.includes(size)) return `not measured (${size} not in BENCH_SIZES)`;
    const value = what();
    return `${value.toFixed(2)}${unit} — ${value <= goal ? "met" : "NOT met"}`;
  };
  const med = (size: number, c: Command) => median(seconds.get(key(large, size, c))!);
  console.log(`\n## goals (large-stack mode; printed, not asserted)\n`);
  console.log(`- up of 1000 <= 15 s: ${at(1000, () => med(1000, "up"), 15, " s")}`);
  console.log(`- destroy of 1000 <= 5 s: ${at(1000, () => med(1000, "destroy"), 5, " s")}`);
  console.log(
    `- up / floor up at 1000 <= 1.20: ${at(1000, () => median(floorRatios.get(key(large, 1000, "up"))!), 1.2, "×")}`,
  );
  for (const c of COMMANDS)
    console.log(
      `- growth 300→1000 of ${c} <= 4×: ${SIZES.includes(300) ? at(1000, () => med(1000, c) / med(300, c), 4, "×") : "not measured (300 not in BENCH_SIZES)"}`,
    );
  for (const mode of modes)
    for (const c of ONE_CALL_EACH) {
      const measured = SIZES.filter(mode.measuredAt);
      const worst = Math.max(...measured.map((n) => median(calls.get(key(mode, n, c))!) / n));
      const extra = Math.max(...measured.map((n) => median(calls.get(key(mode, n, c))!) - n));
      console.log(
        `- API calls per configuration of ${c}, ${mode.name} mode, ~1 (<= 1.05) at every size: at most ${worst.toFixed(2)} (n + ${extra} calls for n configurations) — ${worst <= 1.05 ? "met" : "NOT met"}`,
      );
    }
} finally {
  await client.close();
  await server.close();
  for (const mode of modes) mode.scratch.remove();
}
