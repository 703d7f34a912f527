// A platform team's journey, from outside this repository: the packed package installed in a project
// that `telephony-config init` scaffolded, driven by the real Pulumi CLI against the local API server.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { REPO } from "../helpers/project.js";
import { CLI } from "../helpers/serve.js";

const run = promisify(execFile);

let api: Api;
let work: string;
let tarball: string;
let project: string;
const env = () => ({
  ...process.env,
  PULUMI_BACKEND_URL: `file://${join(work, "backend")}`,
  PULUMI_CONFIG_PASSPHRASE: "journey-passphrase",
  TELEPHONY_API_TOKEN: "",
});
const inProject = (command: string, args: string[], input?: string) => {
  const child = run(command, args, { cwd: project, env: env(), maxBuffer: 64 << 20 });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  }
  return child;
};
const pulumi = (args: string[], input?: string) => inProject("pulumi", [...args, "--non-interactive"], input);
const cli = (args: string[]) => inProject(join(project, "node_modules/.bin/telephony-config"), args);

beforeAll(async () => {
  api = await startApi({ tokens: { [TOKEN]: ["dev-org"] } });
  work = mkdtempSync(join(tmpdir(), "telephony-journey-"));
  mkdirSync(join(work, "backend"));
  // dist/ is built by the set-up; `npm pack` from a fresh clone runs the same build as prepack.
  const packed = await run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], { cwd: REPO });
  tarball = join(work, packed.stdout.trim().split("\n").at(-1)!);
  const files = (await run("tar", ["tzf", tarball])).stdout.trim().split("\n");
  console.log(`journey: tarball ${statSync(tarball).size} bytes, ${files.length} files`);
  expect(files).toEqual(
    expect.arrayContaining([
      "package/dist/src/stack/index.js",
      "package/dist/src/index.d.ts",
      "package/schemas/provider-configurations.schema.json",
      "package/examples/ci/github-actions.yml",
    ]),
  );
  expect(files.some((f) => f.startsWith("package/test/") || f.startsWith("package/dist/test/"))).toBe(false);

  project = join(work, "telephony-infra");
  const init = await run(process.execPath, [CLI, "init", project, "--org", "dev-org", "--api-url", api.server.url]);
  expect(init.stdout).toContain(`pulumi config set telephony:apiUrl ${api.server.url}`);
  await inProject("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"]);
});

afterAll(async () => {
  await api?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const declareExtra = (name = "Jio Main") =>
  writeFileSync(
    join(project, "telephony/extra.yaml"),
    `configurations:\n  jio:\n    name: ${name}\n    provider: 2\n  vapi:\n    name: Vapi\n    provider: 6\n    active: false\n`,
  );

async function newStack(name: string) {
  await pulumi(["stack", "init", name]);
  for (const [key, value] of <Array<[string, string]>>[
    ["telephony:apiUrl", api.server.url],
    ["telephony:orgHandle", "dev-org"],
    ["telephony:productId", "1"],
  ]) {
    await pulumi(["config", "set", key, value, "--stack", name]);
  }
  // The token from standard input, as the README and init's output say.
  await pulumi(["config", "set", "--secret", "telephony:apiToken", "--stack", name], TOKEN);
}

describe("a stack repository of one's own, from the packed package", () => {
  it("init, install, validate, up, a clean preview, a change, drift, destroy", async () => {
    expect((await cli(["validate", "telephony/"])).stdout).toMatch(/valid: 1 configuration,/);
    await newStack("prod");
    declareExtra();
    await pulumi(["up", "--yes", "--stack", "prod"]);
    expect((await api.client.list()).map((c) => c.name).sort()).toEqual(["Jio Main", "Twilio Support", "Vapi"]);
    await pulumi(["preview", "--expect-no-changes", "--stack", "prod"]);

    declareExtra("Jio Primary");
    await pulumi(["up", "--yes", "--stack", "prod"]);
    expect((await api.client.list()).map((c) => c.name).sort()).toEqual(["Jio Primary", "Twilio Support", "Vapi"]);
    const drift = await cli(["drift", "telephony/", "--stack", "prod"]);
    expect(drift.stdout).toMatch(/In sync\. 3 declared: 3 in sync/);

    await pulumi(["destroy", "--yes", "--stack", "prod"]);
    expect(await api.client.list()).toEqual([]);
    // The state holds the token only encrypted.
    expect((await pulumi(["stack", "export", "--stack", "prod"])).stdout).not.toContain(TOKEN);
  });

  it("the same project with a TypeScript program: YAML through declareConfigurations, and a resource in code", async () => {
    writeFileSync(
      join(project, "index.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { declareConfigurations, ProviderConfiguration } from "telephony-config";',
        "",
        'export const configurations = declareConfigurations("telephony");',
        'const daily = new ProviderConfiguration("daily", { name: "Daily From Code", provider: 5, apiKey: new pulumi.Config().requireSecret("dailyKey") });',
        "export const dailyId = daily.id;",
        "",
      ].join("\n"),
    );
    // Compiled with this repository's TypeScript, against the project's own node_modules.
    await inProject(join(REPO, "node_modules/.bin/tsc"), [
      "index.ts",
      "--module",
      "nodenext",
      "--target",
      "es2023",
      "--strict",
      "--skipLibCheck",
      "--typeRoots",
      join(REPO, "node_modules/@types"),
      "--types",
      "node",
    ]);
    expect(readFileSync(join(project, "index.js"), "utf8")).toContain("declareConfigurations");
    await newStack("code");
    await pulumi(["config", "set", "--secret", "dailyKey", "--stack", "code"], "daily-key-4e2a");
    declareExtra();
    const up = await pulumi(["up", "--yes", "--stack", "code"]);
    expect(up.stdout).toMatch(/5 created/);
    const live = await api.client.list();
    expect(live.map((c) => c.name).sort()).toEqual(["Daily From Code", "Jio Main", "Twilio Support", "Vapi"]);
    expect(live.find((c) => c.name === "Daily From Code")!.api_key).toBe("daily-key-4e2a");
    await pulumi(["preview", "--expect-no-changes", "--stack", "code"]);
    // The resource declared in code is no declaration of these files: drift leaves it out by its key.
    expect((await cli(["drift", "telephony/", "--stack", "code", "--ignore", "daily"])).stdout).toMatch(/In sync\./);
    await pulumi(["destroy", "--yes", "--stack", "code"]);
    expect(await api.client.list()).toEqual([]);
  });
});
