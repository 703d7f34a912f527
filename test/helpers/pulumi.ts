import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { promisify } from "node:util";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation/index.js";

const run = promisify(execFile);

export interface ThrowawayStack {
  stack: Stack;
  backendDir: string;
  env: Record<string, string>;
  /** `pulumi <args>` on this stack, as a user would type it; resolves to stdout and stderr. */
  cli(args: string[], extraEnv?: Record<string, string>): Promise<{ stdout: string; stderr: string }>;
  dispose(): Promise<void>;
}

/**
 * A stack of the project in `workDir` on a local file backend (a fresh one unless given), with passphrase secrets.
 * The real `pulumi` binary on PATH runs every operation.
 */
export async function throwawayStack(
  workDir: string,
  extraEnv: Record<string, string> = {},
  stackName = "test",
  backendDir = mkdtempSync(join(tmpdir(), "telephony-backend-")),
): Promise<ThrowawayStack> {
  const env = {
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "test-passphrase",
    ...extraEnv,
  };
  const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir }, { envVars: env });
  return {
    stack,
    backendDir,
    env,
    cli: (args, extraEnv = {}) =>
      run("pulumi", [...args, "--stack", stackName, "--non-interactive"], {
        cwd: workDir,
        env: { ...process.env, ...env, ...extraEnv },
        maxBuffer: 64 << 20,
      }),
    async dispose() {
      rmSync(backendDir, { recursive: true, force: true });
    },
  };
}
