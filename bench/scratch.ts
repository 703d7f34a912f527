// What the stack benchmarks share: a scratch directory with a local backend, copies of the repo's
// Pulumi project, and the Pulumi CLI timed.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));

export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), "telephony-bench-"));
  readonly env: Record<string, string | undefined>;

  /** `env`: added to (or, undefined, removed from) the environment of every command run here. */
  constructor(env: Record<string, string | undefined> = {}) {
    mkdirSync(join(this.dir, "backend"));
    this.env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${join(this.dir, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: "bench",
      ...env,
    };
  }

  /** A Pulumi project that uses the repo's package, node_modules and schemas. */
  project(name: string, pulumiYaml: string): string {
    const dir = join(this.dir, name);
    mkdirSync(dir);
    cpSync(join(root, "package.json"), join(dir, "package.json"));
    for (const linked of ["node_modules", "dist", "schemas"]) symlinkSync(join(root, linked), join(dir, linked));
    writeFileSync(join(dir, "Pulumi.yaml"), pulumiYaml);
    return dir;
  }

  /**
   * The repo's stack program in a project of its own, with `count` declarations and a stack on `apiUrl`;
   * with `native`, they are the native plugin's resources (found in the repo's plugin/).
   */
  telephonyProject(count: number, apiUrl: string, token: string, org: string, name = "real", native = false): string {
    const plugins = native ? `plugins: { providers: [{ name: telephony, path: ${join(root, "plugin")} }] }\n` : "";
    const dir = this.project(
      name,
      `name: bench-${name}\nruntime: { name: nodejs, options: { typescript: false } }\nmain: dist/src/stack/index.js\n${plugins}`,
    );
    mkdirSync(join(dir, "telephony"));
    this.declare(dir, count);
    this.pulumi(dir, ["stack", "init"]);
    this.pulumi(dir, ["config", "set", "telephony:apiUrl", apiUrl]);
    this.pulumi(dir, ["config", "set", "--secret", "telephony:apiToken", token]);
    this.pulumi(dir, ["config", "set", "telephony:orgHandle", org]);
    this.pulumi(dir, ["config", "set", "telephony:productId", "1"]);
    if (native) this.pulumi(dir, ["config", "set", "telephony:plugin", "native"]);
    return dir;
  }

  /**
   * (Re)writes a telephony project's declarations: `count` configurations, `cfg-0`…; each `revision`
   * gives every configuration a sipUrl of its own, so that an `up` after a new one updates them all.
   */
  declare(dir: string, count: number, revision = 0): void {
    const host = (i: number) => (revision ? `cfg-${i}.r${revision}.example.com` : `cfg-${i}.example.com`);
    const declarations = ["configurations:"];
    for (let i = 0; i < count; i++)
      declarations.push(`  cfg-${i}:\n    name: Config ${i}\n    provider: ${(i % 6) + 1}\n    sipUrl: sip:${host(i)}`);
    writeFileSync(join(dir, "telephony", "configurations.yaml"), `${declarations.join("\n")}\n`);
  }

  /** Runs a command to completion; resolves to its wall time in seconds. */
  run(dir: string, command: string, args: string[], env: Record<string, string | undefined> = {}): number {
    const { seconds, ok, output } = this.attempt(dir, command, args, env);
    if (!ok) throw new Error(`${command} ${args.join(" ")} failed:\n${output}`);
    return seconds;
  }

  /** Runs a command to completion, failing or not: its wall time, whether it succeeded, what it printed. */
  attempt(
    dir: string,
    command: string,
    args: string[],
    env: Record<string, string | undefined> = {},
  ): { seconds: number; ok: boolean; output: string } {
    const started = performance.now();
    const result = spawnSync(command, args, {
      cwd: dir,
      env: { ...this.env, ...env },
      encoding: "utf8",
      maxBuffer: 256 << 20,
    });
    return {
      seconds: (performance.now() - started) / 1000,
      ok: result.status === 0,
      output: `${result.stdout}\n${result.stderr}`,
    };
  }

  pulumi(dir: string, args: string[], env: Record<string, string | undefined> = {}): number {
    return this.run(dir, "pulumi", [...args, "--stack", "bench", "--non-interactive"], env);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
