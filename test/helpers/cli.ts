import { execFile } from "node:child_process";
import { CLI } from "./serve.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `telephony-config` with exactly this environment added (and NO_COLOR unset). */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const name of ["TELEPHONY_API_URL", "TELEPHONY_API_TOKEN", "TELEPHONY_ORG_HANDLE", "TELEPHONY_PRODUCT_ID"]) {
    if (!options.env?.[name]) delete env[name];
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env, cwd: options.cwd, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}
