// The Pulumi YAML journey, from outside this repository, through the real Pulumi CLI against the local API
// server: `telephony-config init --language yaml`, the package where npm install puts it, `plugin install`
// into a temporary PULUMI_HOME, the commands init printed, an up of three configurations, drift by hand
// found and undone, `pulumi import` of one made by hand (YAML code generated without its secrets), an
// import of an id that does not exist, and a destroy that leaves the API empty. No secret value in any
// output, in the state, in the stack's config file or in the generated code.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { packageVersion } from "../../src/client/version.js";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { leaks } from "../helpers/leaks.js";
import { REPO } from "../helpers/project.js";
import { SECRETS } from "../helpers/stack.js";
import { userShell } from "../helpers/user-shell.js";

const TYPE = "telephony:index:ProviderConfiguration";
// What the configuration made by hand carries, and the key set by hand on a declared one: never printed.
const HAND = { key: "hand-made-key-5e21", secret: "hand-made-secret-8b3f", driftKey: "hand-key-93c1" };
// What `pulumi config set --secret KEY < FILE` reads from the file, by key.
const SECRET_INPUT: Record<string, string> = {
  "telephony:apiToken": TOKEN,
  twilioApiKey: SECRETS.TWILIO_API_KEY,
  twilioApiSecret: SECRETS.twilioApiSecret,
};

const work = mkdtempSync(join(tmpdir(), "telephony-yaml-journey-"));
const project = join(work, "telephony-yaml");
const home = join(work, "pulumi-home");
const backend = join(work, "backend");
let api: Api | undefined;

// The user's shell: commands in the project, with this test's Pulumi home; all they print in `transcript`.
const {
  transcript,
  run: inProject,
  pulumi,
  ok,
  stateResources,
} = userShell({
  cwd: project,
  home,
  passphrase: "yaml-journey-passphrase",
});

afterAll(async () => {
  await api?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Pulumi.yaml, edited as YAML: its comments stay. */
function editProgram(edit: (doc: ReturnType<typeof parseDocument>) => void) {
  const path = join(project, "Pulumi.yaml");
  const doc = parseDocument(readFileSync(path, "utf8"));
  edit(doc);
  writeFileSync(path, String(doc));
}

describe("the Pulumi YAML journey", () => {
  it(
    "init --language yaml, plugin install, the printed commands, up, drift undone, pulumi import, destroy",
    { timeout: 240_000 },
    async () => {
      const started = performance.now();
      api = await startApi({ tokens: { [TOKEN]: ["dev-org"] } });
      const url = api.server.url;

      // init, as the README and `init --help` say.
      const init = await runCli(["init", project, "--language", "yaml", "--org", "dev-org", "--api-url", url]);
      expect(init.stderr).toBe("");
      expect(init.code).toBe(0);
      transcript.push(init.stdout);
      const next = init.stdout
        .split("Next, in that directory:\n")[1]!
        .split("\n")
        .map((line) => line.replace(/\s+#.*$/, "").trim())
        .filter(Boolean);
      expect(next).toEqual([
        "npm install",
        "pulumi login --local",
        "pulumi stack init prod",
        `pulumi config set telephony:apiUrl ${url}`,
        "pulumi config set telephony:orgHandle dev-org",
        "pulumi config set telephony:productId YOUR_PRODUCT_ID",
        "pulumi config set --secret telephony:apiToken < ~/.telephony-token",
        "pulumi config set --secret twilioApiKey < ~/.twilio-api-key",
        "pulumi config set --secret twilioApiSecret < ~/.twilio-api-secret",
        "pulumi preview",
        "pulumi up",
      ]);
      const program = parse(readFileSync(join(project, "Pulumi.yaml"), "utf8")) as {
        runtime: string;
        plugins: { providers: Array<{ name: string; path: string }> };
      };
      expect(program.runtime).toBe("yaml");
      expect(program.plugins.providers).toEqual([{ name: "telephony", path: "node_modules/telephony-config/plugin" }]);

      // npm install, as it lays the package out: node_modules/telephony-config (this repository, whose own
      // node_modules has its dependencies) and its bin in node_modules/.bin.
      mkdirSync(join(project, "node_modules/.bin"), { recursive: true });
      symlinkSync(REPO, join(project, "node_modules/telephony-config"));
      symlinkSync("../telephony-config/bin/telephony-config.js", join(project, "node_modules/.bin/telephony-config"));
      expect(existsSync(join(project, program.plugins.providers[0]!.path, "pulumi-resource-telephony"))).toBe(true);

      // plugin install (npx telephony-config plugin install), into this test's PULUMI_HOME.
      const installed = await inProject(join(project, "node_modules/.bin/telephony-config"), ["plugin", "install"]);
      expect(installed.stderr).toBe("");
      expect(installed.code).toBe(0);
      const pluginDir = join(home, "plugins", `resource-telephony-v${packageVersion}`);
      expect(installed.stdout).toContain(`Installed the Pulumi plugin telephony ${packageVersion} in ${pluginDir}:`);
      expect(existsSync(join(pluginDir, "pulumi-resource-telephony"))).toBe(true);

      // What Pulumi warned of, each once (the language host colours its warnings even with --color never).
      const warnings = new Set<string>();
      const noted = (output: string) => {
        for (const [warning] of stripVTControlCharacters(output).matchAll(/Warning: .*/g)) warnings.add(warning);
        return output;
      };
      // The commands init printed, in its order. `pulumi login --local` would use ~/.pulumi: this test's
      // backend is a directory of its own ("or the backend your team uses"). The secrets come from standard
      // input, as from the files the commands name.
      for (const command of next) {
        if (command === "npm install") continue;
        const [, ...args] = command.split(" ");
        if (command === "pulumi login --local") {
          mkdirSync(backend);
          await ok(["login", `file://${backend}`]);
        } else if (command.includes("--secret")) {
          const key = args.at(-3)!;
          expect(Object.keys(SECRET_INPUT)).toContain(key);
          await ok(args.slice(0, -2), SECRET_INPUT[key]);
        } else if (command === "pulumi preview") {
          // The scaffold as written: its one example.
          const scaffoldPreview = noted(await ok(["preview"]));
          expect(scaffoldPreview).toMatch(/\+ {2}telephony:index:ProviderConfiguration twilio-support create/);
          // Then two more configurations beside it.
          editProgram((doc) => {
            doc.setIn(["resources", "livekit-main"], {
              type: "telephony:ProviderConfiguration",
              properties: { name: "LiveKit Main", provider: 4, sipUrl: "sip:lk.example.com" },
            });
            doc.setIn(["resources", "airtel-backup"], {
              type: "telephony:ProviderConfiguration",
              properties: { name: "Airtel Backup", provider: 1, active: false },
            });
          });
        } else if (command === "pulumi up") {
          noted(await ok(["up", "--yes"]));
        } else {
          expect(command).toMatch(/^pulumi (stack init|config set) /);
          await ok(args.map((arg) => (arg === "YOUR_PRODUCT_ID" ? "1" : arg)));
        }
      }
      const stackConfig = readFileSync(join(project, "Pulumi.prod.yaml"), "utf8");
      expect(parse(stackConfig)).toMatchObject({
        config: {
          "telephony:apiUrl": url,
          "telephony:orgHandle": "dev-org",
          "telephony:apiToken": { secure: expect.any(String) },
          "telephony-yaml:twilioApiKey": { secure: expect.any(String) },
          "telephony-yaml:twilioApiSecret": { secure: expect.any(String) },
        },
      });

      const live = await api.client.list();
      expect(live.map((c) => c.name).sort()).toEqual(["Airtel Backup", "LiveKit Main", "Twilio Support"]);
      const twilio = live.find((c) => c.provider === 3)!;
      expect(twilio).toMatchObject({
        sip_url: "sip:support.example.sip.twilio.com",
        api_key: SECRETS.TWILIO_API_KEY,
        api_secret: SECRETS.twilioApiSecret,
      });
      expect(live.find((c) => c.provider === 1)!.active).toBe(false);
      expect(await ok(["stack", "output", "twilioSupportId"])).toBe(`${twilio.id}\n`);
      noted(await ok(["preview", "--expect-no-changes"]));

      // A change by hand: a rename and a new key. A refreshing preview shows both, the key masked.
      await api.client.update(twilio.id, { name: "renamed by hand", api_key: HAND.driftKey });
      const drift = noted(await ok(["preview", "--refresh", "--diff"]));
      expect(drift).toMatch(/~ name\s*: "renamed by hand" => "Twilio Support"/);
      expect(drift).toMatch(/~ apiKey\s*: \[secret\] => \[secret\]/);
      noted(await ok(["up", "--refresh", "--yes"]));
      expect(await api.client.get(twilio.id)).toMatchObject({
        name: "Twilio Support",
        api_key: SECRETS.TWILIO_API_KEY,
        api_secret: SECRETS.twilioApiSecret,
      });
      expect((await api.client.list()).map((c) => c.name).sort()).toEqual([
        "Airtel Backup",
        "LiveKit Main",
        "Twilio Support",
      ]);

      // One made by hand, with both secrets, imported: the state holds it, the YAML code has no secret.
      const byHand = await api.client.create({
        name: "Vapi by hand",
        provider: 6,
        active: true,
        api_key: HAND.key,
        api_secret: HAND.secret,
        base_url: "https://api.vapi.ai",
        sip_url: "sip:vapi.example.com",
        meta_json: [{ meta_key: "team", meta_value: "ops" }],
      });
      const generatedPath = join(work, "vapi-by-hand.yaml");
      const imported = await pulumi([
        "import",
        TYPE,
        "vapi-by-hand",
        String(byHand.id),
        "--out",
        generatedPath,
        "--yes",
      ]);
      console.log(
        `yaml journey: pulumi import ${TYPE} vapi-by-hand ${byHand.id} --out vapi-by-hand.yaml --yes\n${imported.stdout}${imported.stderr}`,
      );
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/= 1 imported/);
      const generated = readFileSync(generatedPath, "utf8");
      console.log(`yaml journey: the generated code (vapi-by-hand.yaml):\n${generated}`);
      const code = parse(generated) as {
        resources: Record<string, { type: string; properties: object; options?: object }>;
      };
      expect(Object.keys(code.resources)).toEqual(["vapi-by-hand"]);
      expect(code.resources["vapi-by-hand"]!.type).toMatch(/^telephony:(index:)?ProviderConfiguration$/);
      // Its fields, and no secret: neither the values nor the properties.
      expect(code.resources["vapi-by-hand"]!.properties).toEqual({
        name: "Vapi by hand",
        provider: 6,
        active: true,
        baseUrl: "https://api.vapi.ai",
        sipUrl: "sip:vapi.example.com",
        meta: { team: "ops" },
      });
      expect(leaks(generated, [HAND.key, HAND.secret, HAND.driftKey])).toEqual([]);
      const held = (await stateResources()).find((r) => r.urn.endsWith(`::${TYPE}::vapi-by-hand`));
      expect(held).toMatchObject({ id: String(byHand.id), outputs: { name: "Vapi by hand", provider: 6 } });
      expect(held!.outputs).not.toHaveProperty("apiKey");
      expect(held!.outputs).not.toHaveProperty("apiSecret");
      // Nothing written to it: its secrets are as they were.
      expect(await api.client.get(byHand.id)).toMatchObject({ api_key: HAND.key, api_secret: HAND.secret });

      // The generated resource pasted into Pulumi.yaml: the program and the state agree.
      editProgram((doc) => {
        for (const [name, resource] of Object.entries(code.resources)) doc.setIn(["resources", name], resource);
      });
      noted(await ok(["preview", "--expect-no-changes"]));

      // An id that does not exist: refused, saying so; nothing enters the state.
      const ghost = await pulumi(["import", TYPE, "ghost", "999999", "--out", join(work, "ghost.yaml"), "--yes"]);
      console.log(
        `yaml journey: pulumi import ${TYPE} ghost 999999 (exit ${ghost.code}):\n${ghost.stdout}${ghost.stderr}`,
      );
      expect(ghost.code).not.toBe(0);
      expect(ghost.stdout + ghost.stderr).toContain("cannot import configuration 999999: it does not exist");
      const state = await stateResources();
      expect(state.some((r) => r.urn.endsWith("::ghost"))).toBe(false);
      expect(
        state
          .filter((r) => r.type === TYPE)
          .map((r) => r.urn.split("::").at(-1))
          .sort(),
      ).toEqual(["airtel-backup", "livekit-main", "twilio-support", "vapi-by-hand"]);
      const exported = await ok(["stack", "export"]);

      // pulumi import protects what it imports (its default): destroy refuses, deleting nothing, until the
      // program says otherwise (`protect` removed, then up), as its message says.
      const refused = await pulumi(["destroy", "--yes"]);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toMatch(/cannot be deleted\s+because it is protected/);
      expect(await api.client.list()).toHaveLength(4);
      editProgram((doc) => doc.deleteIn(["resources", "vapi-by-hand", "options", "protect"]));
      noted(await ok(["up", "--yes"]));
      noted(await ok(["destroy", "--yes"]));
      // The imported one too: it is the stack's now.
      expect(await api.client.list()).toEqual([]);

      const everything = [
        ...transcript,
        exported,
        generated,
        stackConfig,
        readFileSync(join(project, "Pulumi.yaml"), "utf8"),
      ].join("\n");
      expect(leaks(everything, [HAND.key, HAND.secret, HAND.driftKey])).toEqual([]);
      // A scaffold fresh from init runs without warnings. (pulumi-language-yaml 1.25.0 warns, at every
      // preview, up, refresh and destroy, of each config entry's `description:`, a field it does not know:
      // a defect of init's scaffold, asserted softly so that the journey above still runs.)
      expect.soft([...warnings]).toEqual([]);
      console.log(`yaml journey: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
  );
});
