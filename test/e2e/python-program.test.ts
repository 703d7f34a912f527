// A Python Pulumi program on the generated Python SDK (sdk/python, pulumi_telephony), through the real Pulumi CLI
// and the Python language host scripts/toolchain.sh provides (Pulumi's own where it is installed, else
// tools/pulumi-python), against the local API server: two ProviderConfigurations, one with its API key from a
// secret stack config; up creates both, a preview after it is clean, destroy leaves the API empty, and no secret
// value is in any output or in the state. A program that raises shows its traceback once, from its own code.
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { leaks } from "../helpers/leaks.js";
import { REPO } from "../helpers/project.js";
import { CACHE, cached, pythonVenv, pythonVersion, run } from "../helpers/python-venv.js";
import { SECRETS } from "../helpers/stack.js";
import { userShell } from "../helpers/user-shell.js";

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

/**
 * The virtualenv the program runs with: test/e2e/sdk.test.ts's (pulumi from PyPI and what sdk/python's setup.py
 * requires, made once under the cache, keyed alike so that both tests share it), copied, with a copy of sdk/python
 * installed into it; cached too, keyed by that virtualenv and by the SDK's files. Nothing is written under sdk/.
 */
async function programVenv(): Promise<string> {
  const setup = readFileSync(join(SDK, "setup.py"), "utf8");
  const requires = [...(setup.match(/install_requires=\[([\s\S]*?)\]/)?.[1] ?? "").matchAll(/'([^']+)'/g)].map(
    (m) => m[1]!,
  );
  const base = await pythonVenv([`pulumi==${pulumiVersion}`, ...requires, "setuptools", "wheel"]);

  const sdkHash = createHash("sha256").update(base.key);
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
    `python${await pythonVersion()}-pulumi-${pulumiVersion}-telephony-sdk-${sdkHash.digest("hex").slice(0, 12)}`,
  );
  return cached(dir, async (venv) => {
    cpSync(base.dir, venv, { recursive: true, verbatimSymlinks: true });
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
      { cwd: work },
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

// The user's shell: commands in the project, with this test's Pulumi home and backend; all they print in `transcript`.
const { transcript, pulumi, ok } = userShell({
  cwd: project,
  home: join(work, "pulumi-home"),
  passphrase: "python-program-passphrase",
  env: { PULUMI_BACKEND_URL: `file://${join(work, "backend")}` },
});

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
        const run = await pulumi(["preview"]);
        const failed = { code: run.code, output: run.stdout + run.stderr };
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
