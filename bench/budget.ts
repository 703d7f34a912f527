// npm run bench:budget — several stacks' `pulumi up` and `destroy` at once behind one API limit (a token
// bucket of 4 requests a second, bursts of 4), each stack its own project, state and organization: with
// the rate budget (each stack's telephony:maxRequestsPerSecond its share, rateShare) and without it (each
// stack paced only by the 429s it meets). The two alternate over a few rounds, and which goes first
// alternates too. floor = the requests the server let through / its rate; the engines' start-up (the time
// to the first request) is part of the wall time, and is printed beside it.
import { spawn } from "node:child_process";
import { rateShare } from "../src/gitops/rate-budget.js";
import { startApiServer } from "../src/server/server.js";
import { Scratch } from "./scratch.js";

const STACKS = Number(process.env.BENCH_STACKS ?? 4);
const PER_STACK = Number(process.env.BENCH_COUNT ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LIMIT = { rate: 4, burst: 4 };
const SHARE = rateShare(LIMIT.rate, STACKS);
const MODES = ["shares", "none"] as const;
const OPS = ["up", "destroy"] as const;
const TOKEN = "bench-token";

interface Run {
  failed: number;
  /** Wall time / floor, in all and from the first request on. */
  ratio: number;
  paced: number;
  refused: number;
  startUp: number;
}

/** Runs a command to completion without blocking the others: whether it succeeded, and what it printed. */
function attempt(dir: string, args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ ok: boolean; output: string }>((resolve) => {
    const child = spawn("pulumi", args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ ok: code === 0, output }));
  });
}

const scratch = new Scratch();
const orgs = Array.from({ length: STACKS }, (_, i) => `org-${i}`);
// In this process, whose event loop has nothing else to do (the stacks are child processes); with the
// time each request came, beside the server's log of them.
const times: number[] = [];
const server = await startApiServer({
  tokens: { [TOKEN]: orgs },
  rateLimit: LIMIT,
  onRequest: () => times.push(performance.now()),
});
const runs = new Map<string, Run[]>();
try {
  const dirs = orgs.map((org, i) => scratch.telephonyProject(PER_STACK, server.url, TOKEN, org, `stack-${i}`));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of round % 2 ? MODES : [...MODES].reverse()) {
      const env = { ...scratch.env, ...(mode === "shares" ? { TELEPHONY_MAX_RPS: String(SHARE) } : {}) };
      let leftBehind = false;
      for (const op of OPS) {
        // As long as the bucket takes to fill: each run starts as stacks do after a quiet spell.
        await new Promise((resolve) => setTimeout(resolve, 1_000 * (LIMIT.burst / LIMIT.rate)));
        const mark = server.requests.length;
        const started = performance.now();
        const results = await Promise.all(
          dirs.map((dir) =>
            attempt(dir, [op, "--yes", "--skip-preview", "--stack", "bench", "--non-interactive"], env),
          ),
        );
        const ended = performance.now();
        const requests = server.requests.slice(mark);
        const refused = requests.filter((r) => r.status === 429).length;
        // A 429 takes no token from the bucket: the floor is the time the requests it let through need.
        const floor = (requests.length - refused) / LIMIT.rate;
        const first = times[mark] ?? ended;
        const key = `${mode} ${op}`;
        runs.set(key, [
          ...(runs.get(key) ?? []),
          {
            failed: results.filter((r) => !r.ok).length,
            ratio: (ended - started) / 1000 / floor,
            paced: (ended - first) / 1000 / floor,
            refused: (100 * refused) / Math.max(1, requests.length),
            startUp: (first - started) / 1000,
          },
        ]);
        for (const { output } of results.filter((r) => !r.ok)) console.error(output);
        leftBehind ||= results.some((r) => !r.ok);
      }
      // Whatever a failed run left behind goes, with the shares, before the next mode starts.
      if (leftBehind)
        await Promise.all(
          dirs.map((dir) =>
            attempt(dir, ["destroy", "--yes", "--skip-preview", "--stack", "bench", "--non-interactive"], {
              ...scratch.env,
              TELEPHONY_MAX_RPS: String(SHARE),
            }),
          ),
        );
    }
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  // The median, and the spread over the rounds.
  const figure = (xs: number[], digits: number) =>
    `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
  console.log(
    `bench:budget — ${STACKS} stacks at once, ${PER_STACK} configurations each (own project, state and organization), real Pulumi CLI, ` +
      `local API server limited to ${LIMIT.rate} requests/s in bursts of ${LIMIT.burst}, ${ROUNDS} alternating rounds`,
  );
  console.log(
    `  shares: each stack's TELEPHONY_MAX_RPS = rateShare(${LIMIT.rate}, ${STACKS}) = ${SHARE}; none: each paced only by the 429s it meets`,
  );
  console.log(
    "  floor = requests the server let through (not 429) / its rate; wall / floor in all and from the first request on, and 429s as a share of " +
      "requests: the median (spread); start-up = the time to the first request",
  );
  for (const op of OPS) {
    for (const mode of MODES) {
      const rs = runs.get(`${mode} ${op}`)!;
      const failed = rs.reduce((sum, r) => sum + r.failed, 0);
      const of = (pick: (r: Run) => number, digits: number) => figure(rs.map(pick), digits);
      console.log(
        `  ${op.padEnd(7)}  ${mode.padEnd(6)}  ${of((r) => r.ratio, 2)}× floor in all, ${of((r) => r.paced, 2)}× from the first request` +
          `  ${of((r) => r.refused, 1)}% 429  start-up ${of((r) => r.startUp, 1)} s` +
          `  ${failed ? `${failed} of ${rs.length * STACKS} stack runs FAILED` : `all ${rs.length * STACKS} stack runs ok`}`,
      );
    }
  }
  console.log("  goal: with shares, within 1.25× the floor from the first request on, and at most 10% 429s");
} finally {
  await server.close();
  scratch.remove();
}
