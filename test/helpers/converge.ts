// Driving a stack through an API that loses answers: run a command until it succeeds, then compare
// what the state holds with what is live.
import type { TelephonyStack } from "./stack.js";

/** Lost answers after the work, gateways' 502 pages, dropped connections and 429s. */
export const FAULTS = { lost: 0.15, gateway: 0.1, drop: 0.05, "429": 0.05 };
const MAX_RUNS = 25;

/** Runs `pulumi <args>` until it exits 0; resolves to the number of runs and all they printed. */
export async function untilSuccess(stack: TelephonyStack, args: string[]): Promise<{ runs: number; output: string }> {
  let output = "";
  for (let runs = 1; runs <= MAX_RUNS; runs++) {
    try {
      const { stdout, stderr } = await stack.t.cli(args);
      return { runs, output: output + stdout + stderr };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      output += `${e.stdout ?? ""}${e.stderr ?? ""}`;
    }
  }
  throw new Error(`pulumi ${args.join(" ")} did not succeed in ${MAX_RUNS} runs:\n${output.slice(-4000)}`);
}

export async function stateIds(stack: TelephonyStack): Promise<Map<string, number>> {
  const { stdout } = await stack.t.cli(["stack", "export"]);
  const resources = (JSON.parse(stdout).deployment.resources ?? []) as Array<{
    urn: string;
    type: string;
    id?: string;
  }>;
  return new Map(
    resources
      .filter((r) => r.type.endsWith(":ProviderConfiguration"))
      .map((r) => [r.urn.split("::").at(-1)!, Number(r.id)]),
  );
}
