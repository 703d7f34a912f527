// A Pulumi command cut off with `kill -9` at a chosen point of its work, as a cancelled CI job or an
// out-of-memory kill would: the point is read from the local API server's request log, not from a clock.
import { execFileSync, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import type { RequestLogEntry } from "../../src/server/request-log.js";

export interface KilledRun {
  /** How many requests matching `counts` the server had carried out when the kill was sent. */
  atKill: number;
  /** How many it had carried out once the killed run's processes were quiet (in-flight ones land). */
  settled: number;
}

/**
 * Runs `pulumi <args>` in `cwd` with `env` and sends SIGKILL once `requests` holds `at` entries matching
 * `counts` after the ones it held at the start. Resolves once no request has arrived for `quietMs`: what
 * was in flight has landed, and nothing more is sent (the provider exits when the engine is gone).
 * Fails if the command exits by itself before the point is reached: the kill would prove nothing.
 * Then ends what the killed CLI left running: its language host outlives it, idle, one per kill.
 */
export async function killedRun(options: {
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  requests: RequestLogEntry[];
  counts: (entry: RequestLogEntry) => boolean;
  at: number;
  quietMs?: number;
}): Promise<KilledRun> {
  const { requests, counts, at, quietMs = 1_000 } = options;
  const from = requests.length;
  const matching = () => requests.slice(from).filter(counts).length;
  const child = spawn("pulumi", [...options.args, "--non-interactive"], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "ignore", "pipe"],
    // Its own session: what it starts (each plugin in a process group of its own) can be found and
    // ended once the kill has been observed.
    detached: true,
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  let exited = false;
  child.on("exit", () => (exited = true));
  while (matching() < at) {
    if (exited) throw new Error(`pulumi ${options.args[0]} exited before ${at} requests were seen: ${stderr}`);
    await sleep(5);
  }
  child.kill("SIGKILL");
  const atKill = matching();
  for (let seen = requests.length; ;) {
    await sleep(quietMs);
    if (requests.length === seen) break;
    seen = requests.length;
  }
  for (const pid of session(child.pid!)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // It exited in the meantime.
    }
  }
  return { atKill, settled: matching() };
}

/** The processes still running in session `sid`. */
function session(sid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "-s", String(sid)], { encoding: "utf8" })
      .split("\n")
      .map(Number)
      .filter((pid) => pid > 0);
  } catch {
    // ps exits with 1 when the session is empty.
    return [];
  }
}
