import { execFile } from "node:child_process";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  protect?: boolean;
  provider?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

// What a user's shell must not lend a journey: another backend, a Pulumi Cloud login, the provider's settings
// (a journey sets them as the README says), a Python environment.
const NOT_INHERITED = [
  "PULUMI_BACKEND_URL",
  "PULUMI_ACCESS_TOKEN",
  "PULUMI_STACK",
  "TELEPHONY_API_URL",
  "TELEPHONY_API_TOKEN",
  "TELEPHONY_ORG_HANDLE",
  "TELEPHONY_PRODUCT_ID",
  "TELEPHONY_MAX_RPS",
  "TELEPHONY_FORMER_API_URLS",
  "VIRTUAL_ENV",
  "PYTHONHOME",
  "PYTHONPATH",
];

/**
 * The shell a journey test types into: commands run in `cwd` with a Pulumi home of the test's own, the
 * passphrase Pulumi would prompt for, nothing downloaded, and `env` on top. Everything printed is kept in
 * `transcript`, for the leak check.
 */
export function userShell(options: { cwd: string; home: string; passphrase: string; env?: NodeJS.ProcessEnv }) {
  const transcript: string[] = [];
  const env = (): NodeJS.ProcessEnv => {
    const vars: NodeJS.ProcessEnv = { ...process.env };
    for (const name of NOT_INHERITED) delete vars[name];
    return {
      ...vars,
      PULUMI_HOME: options.home,
      PULUMI_CONFIG_PASSPHRASE: options.passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      ...options.env,
    };
  };

  /** `command args`, `input` on its standard input; never throws. */
  const run = (command: string, args: string[], input?: string): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(
        command,
        args,
        { cwd: options.cwd, env: env(), maxBuffer: 64 << 20 },
        (error, stdout, stderr) => {
          transcript.push(stdout, stderr);
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      );
      child.stdin!.end(input ?? "");
    });

  /** `pulumi args` as a user types it (no prompts, no colours in the logs). */
  const pulumi = (args: string[], input?: string) =>
    run("pulumi", [...args, "--non-interactive", "--color", "never"], input);

  /** `pulumi args`, which must succeed; resolves to what it printed. */
  const ok = async (args: string[], input?: string): Promise<string> => {
    const result = await pulumi(args, input);
    if (result.code !== 0)
      throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    return result.stdout + result.stderr;
  };

  const stateResources = async (): Promise<StateResource[]> =>
    (JSON.parse(await ok(["stack", "export"])) as { deployment: { resources?: StateResource[] } }).deployment
      .resources ?? [];

  return { transcript, env, run, pulumi, ok, stateResources };
}
