// A Python Pulumi program on the generated Python SDK (sdk/python, pulumi_telephony), through the real Pulumi CLI
// and the Python language host scripts/toolchain.sh provides (Pulumi's own where it is installed, else
// tools/pulumi-python), against the local API server: two ProviderConfigurations, one with its API key from a
// secret stack config; up creates both, a preview after it is clean, destroy leaves the API empty, and no secret
// value is in any output or in the state. A program that raises shows its traceback once, from its own code.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { leaks } from "../helpers/leaks.js";
import { REPO } from "../helpers/project.js";
import { SECRETS } from "../helpers/stack.js";

const CACHE =
  process.env.TELEPHONY_CONFIG_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "telephony-config");
const pulumiVersion: string = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).dependencies[
  "@pulumi/pulumi"
];
const SDK = join(REPO, "sdk/python");
const TYPE = "telephony:index:ProviderConfiguration";

const work = mkdtempSync(join(tmpdir(), "telephony-python-program-"));
const project = join(work, "project");
let api: Api | undefined;

afterAll(async () => {
  await api?.close();
  rmSync(work, { recursive: true, force: true });
});

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await promisify(execFile)(cmd, args, { cwd, maxBuffer: 64 << 20 })).stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`, {
      cause: err,
    });
  }
}

/**
 * Makes `dir` once: `build` fills a temporary directory beside it, which then becomes it, marked complete (with
 * `mark`). Another test making the same one at the same time (sdk.test.ts, for the base) may finish first.
 */
async function cached(dir: string, build: (building: string) => Promise<void>, mark = ""): Promise<string> {
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

/**
 * The virtualenv the program runs with: test/e2e/sdk.test.ts's (pulumi from PyPI and what sdk/python's setup.py
 * requires, made once under the cache, keyed alike so that both tests share it), copied, with a copy of sdk/python
 * installed into it; cached too, keyed by that virtualenv and by the SDK's files. Nothing is written under sdk/.
 */
async function programVenv(): Promise<string> {
  const pythonVersion = (
    await run("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], REPO)
  ).trim();
  const setup = readFileSync(join(SDK, "setup.py"), "utf8");
  const requires = [...(setup.match(/install_requires=\[([\s\S]*?)\]/)?.[1] ?? "").matchAll(/'([^']+)'/g)].map(
    (m) => m[1]!,
  );
  const requirements = [`pulumi==${pulumiVersion}`, ...requires, "setuptools", "wheel"];
  const baseKey = createHash("sha256").update(JSON.stringify(requirements)).digest("hex").slice(0, 12);
  const base = await cached(
    join(CACHE, `python${pythonVersion}-pulumi-${pulumiVersion}-${baseKey}`),
    async (b) => {
      await run("python3", ["-m", "venv", b], REPO);
      await run(
        join(b, "bin/python"),
        ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", ...requirements],
        REPO,
      );
    },
    `${requirements.join("\n")}\n`,
  );

  const sdkHash = createHash("sha256").update(baseKey);
  const files = (readdirSync(SDK, { recursive: true }) as string[])
    .filter((f) => !/(^|\/)(__pycache__|build|[^/]*\.egg-info)(\/|$)/.test(f) && statSync(join(SDK, f)).isFile())
    .sort();
  for (const f of files)
    sdkHash
      .update(`${f}\0`)
      .update(readFileSync(join(SDK, f)))
      .update("\0");
  const dir = join(
    CACHE,
    `python${pythonVersion}-pulumi-${pulumiVersion}-telephony-sdk-${sdkHash.digest("hex").slice(0, 12)}`,
  );
  return cached(dir, async (venv) => {
    cpSync(base, venv, { recursive: true, verbatimSymlinks: true });
    const source = join(work, "sdk-python");
    cpSync(SDK, source, { recursive: true, filter: (f) => !/(__pycache__|\.egg-info)$/.test(f) });
    await run(
      join(venv, "bin/python"),
      [
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--quiet",
        "--no-index",
        "--no-deps",
        "--no-build-isolation",
        source,
      ],
      work,
    );
  });
}

/** The Pulumi CLI's Python host: on PATH (scripts/toolchain.sh links it beside a `pulumi` it built). */
function pythonHost(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (existsSync(join(dir, "pulumi-language-python"))) return join(dir, "pulumi-language-python");
  }
  return undefined;
}

const transcript: string[] = [];

const env = (): NodeJS.ProcessEnv => {
  const vars: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_HOME: join(work, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${join(work, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "python-program-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  for (const name of [
    "PULUMI_ACCESS_TOKEN",
    "TELEPHONY_API_URL",
    "TELEPHONY_API_TOKEN",
    "TELEPHONY_ORG_HANDLE",
    "TELEPHONY_PRODUCT_ID",
    "VIRTUAL_ENV",
    "PYTHONHOME",
    "PYTHONPATH",
  ])
    delete vars[name];
  return vars;
};

/** `pulumi args` in the project, `input` on its standard input; never throws. */
function pulumi(args: string[], input = ""): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      "pulumi",
      [...args, "--non-interactive", "--color", "never"],
      { cwd: project, env: env(), maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        transcript.push(stdout, stderr);
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
      },
    );
    child.stdin!.end(input);
  });
}

async function ok(args: string[], input?: string): Promise<string> {
  const result = await pulumi(args, input);
  if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.output}`);
  return result.output;
}

const PROGRAM = `import pulumi
import pulumi_telephony as telephony

config = pulumi.Config()
twilio = telephony.ProviderConfiguration(
    "twilio",
    name="Twilio main",
    provider=3,
    api_key=config.require_secret("twilioApiKey"),
    base_url="https://api.twilio.com",
    meta={"team": "voice"},
)
livekit = telephony.ProviderConfiguration("livekit", name="LiveKit", provider=4, sip_url="sip:lk.example.com")
pulumi.export("ids", [twilio.id, livekit.id])
`;

describe("a Python program on the generated SDK (pulumi_telephony)", () => {
  let venv: string;

  beforeAll(async () => {
    // Not skipped when missing: scripts/toolchain.sh provides it (npm test runs through it).
    const host = pythonHost();
    if (!host)
      throw new Error(
        "pulumi-language-python is neither beside pulumi nor on PATH: run the tests through scripts/toolchain.sh " +
          "(npm test), which builds it from tools/pulumi-python",
      );
    venv = await programVenv();
    api = await startApi({ tokens: { [TOKEN]: ["dev-org"] } });
    mkdirSync(project);
    mkdirSync(join(work, "backend"));
    writeFileSync(
      join(project, "Pulumi.yaml"),
      [
        "name: telephony-python",
        "runtime:",
        "  name: python",
        "  options:",
        `    virtualenv: ${relative(project, venv)}`,
        "plugins:",
        "  providers:",
        "    - name: telephony",
        `      path: ${join(REPO, "plugin")}`,
        "",
      ].join("\n"),
    );
    writeFileSync(join(project, "__main__.py"), PROGRAM);
    await ok(["stack", "init", "dev"]);
    await ok(["config", "set", "telephony:apiUrl", api.server.url]);
    await ok(["config", "set", "telephony:orgHandle", "dev-org"]);
    await ok(["config", "set", "telephony:productId", "1"]);
    await ok(["config", "set", "--secret", "telephony:apiToken"], TOKEN);
    await ok(["config", "set", "--secret", "twilioApiKey"], SECRETS.TWILIO_API_KEY);
  }, 600_000);

  it(
    "pulumi up creates both, a preview after it is clean, pulumi destroy leaves the API empty",
    { timeout: 120_000 },
    async () => {
      const client = api!.clientWith({ productId: 1 });

      const up = await ok(["up", "--yes"]);
      expect(up).toMatch(/\+ {2}telephony:index:ProviderConfiguration twilio created/);
      expect(up).toMatch(/\+ {2}telephony:index:ProviderConfiguration livekit created/);
      expect(up).not.toMatch(/warning: using pulumi-language-python from \$PATH/);
      const live = (await client.list()).sort((a, b) => a.name.localeCompare(b.name));
      expect(live.map((c) => [c.name, c.provider])).toEqual([
        ["LiveKit", 4],
        ["Twilio main", 3],
      ]);
      expect(live[0]!.sip_url).toBe("sip:lk.example.com");
      expect(live[1]!.base_url).toBe("https://api.twilio.com");
      expect(live[1]!.meta_json).toContainEqual({ meta_key: "team", meta_value: "voice" });
      // The key from the secret stack config reached the API.
      expect(live[1]!.api_key).toBe(SECRETS.TWILIO_API_KEY);

      await ok(["preview", "--expect-no-changes"]);

      const state = await ok(["stack", "export"]);
      const resources = (JSON.parse(state) as { deployment: { resources: Array<{ type: string; id?: string }> } })
        .deployment.resources;
      expect(
        resources
          .filter((r) => r.type === TYPE)
          .map((r) => Number(r.id))
          .sort(),
      ).toEqual(live.map((c) => c.id).sort());
      expect(leaks(state)).toEqual([]);

      const destroyed = await ok(["destroy", "--yes"]);
      expect(destroyed).toMatch(/- 3 deleted/);
      expect(await client.list()).toEqual([]);
      expect(leaks(transcript.join("\n"))).toEqual([]);
    },
  );

  it(
    "a program that raises fails the preview, its traceback shown once and from its own code",
    { timeout: 60_000 },
    async () => {
      writeFileSync(join(project, "__main__.py"), `${PROGRAM}\nraise ValueError("declared nothing more")\n`);
      try {
        const failed = await pulumi(["preview"]);
        expect(failed.code).not.toBe(0);
        // Once: the progress display shows only the message's first line ("Program failed with …").
        expect(failed.output.split("Traceback (most recent call last)").length - 1).toBe(1);
        expect(failed.output.split("ValueError: declared nothing more").length - 1).toBe(1);
        expect(failed.output).toMatch(
          new RegExp(`Traceback \\(most recent call last\\):\\s+File "${join(project, "__main__.py")}", line 16`),
        );
        expect(failed.output).not.toMatch(/runpy|non-zero exit code/);
      } finally {
        writeFileSync(join(project, "__main__.py"), PROGRAM);
      }
    },
  );
});
