import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO } from "./project.js";

/** Where scripts/toolchain.sh keeps its builds; the virtualenvs of the tests live there too. */
export const CACHE =
  process.env.TELEPHONY_CONFIG_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "telephony-config");

/** `cmd args` in `cwd`, which must succeed; its stdout. A failure says what ran where, with all it printed. */
export async function run(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(cmd, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      maxBuffer: 64 << 20,
    });
    return stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `${cmd} ${args.join(" ")} (in ${options.cwd}) failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`,
      { cause: err },
    );
  }
}

/**
 * Makes `dir` once: `build` fills a temporary directory beside it, which then becomes it, marked complete (with
 * `mark`). Another test making the same one at the same time may finish first: its is kept.
 */
export async function cached(dir: string, build: (building: string) => Promise<void>, mark = ""): Promise<string> {
  if (existsSync(join(dir, ".complete"))) return dir;
  mkdirSync(CACHE, { recursive: true });
  const building = mkdtempSync(`${dir}.tmp-`);
  try {
    await build(building);
    writeFileSync(join(building, ".complete"), mark);
    if (existsSync(join(dir, ".complete"))) return dir;
    rmSync(dir, { recursive: true, force: true });
    renameSync(building, dir);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** The `major.minor` of the python3 on PATH, which makes the virtualenvs. */
export const pythonVersion = async (): Promise<string> =>
  (await run("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { cwd: REPO })).trim();

/**
 * A virtualenv with exactly these requirements from PyPI, made once under the cache (keyed by them and by the
 * Python that makes it) so that a second run downloads nothing: its directory and the key it is cached under.
 */
export async function pythonVenv(requirements: string[]): Promise<{ dir: string; key: string }> {
  const key = createHash("sha256").update(JSON.stringify(requirements)).digest("hex").slice(0, 12);
  const pulumi = requirements.find((r) => r.startsWith("pulumi=="))?.slice("pulumi==".length) ?? "none";
  const dir = await cached(
    join(CACHE, `python${await pythonVersion()}-pulumi-${pulumi}-${key}`),
    async (building) => {
      await run("python3", ["-m", "venv", building], { cwd: REPO });
      await run(
        join(building, "bin/python"),
        ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", ...requirements],
        { cwd: REPO },
      );
    },
    `${requirements.join("\n")}\n`,
  );
  return { dir, key };
}
