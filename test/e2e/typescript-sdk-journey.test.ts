// The TypeScript journey with the generated Node.js SDK, from outside this repository, through the real Pulumi
// CLI against the local API server: a program that imports @telephony-config/pulumi-telephony (sdk/nodejs, built
// as npm install builds it, against the project's @pulumi/pulumi) and finds the native plugin through its
// Pulumi.yaml; an up of three configurations, one of them in another organization through an explicit
// telephony.Provider; drift by hand found and undone; `pulumi import` of one made by hand (no code generated: this
// project's language host cannot, the README says so), written into the program from the state; an import of an id
// that does not exist; a destroy that leaves the API empty. No secret value in any output, in the state, in the
// stack's config file or in the program.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { leaks } from "../helpers/leaks.js";
import { buildNodeSdk } from "../helpers/node-sdk.js";
import { REPO } from "../helpers/project.js";
import { SECRETS } from "../helpers/stack.js";
import { userShell } from "../helpers/user-shell.js";

const TYPE = "telephony:index:ProviderConfiguration";
// What the configuration made by hand carries, and the key set by hand on a declared one: never printed.
const HAND = { key: "hand-made-key-2c7d", secret: "hand-made-secret-f41a", driftKey: "hand-key-6b09" };
// The token of the other organization, which only the explicit provider uses: never printed, never in the state.
const OTHER_TOKEN = "other-org-token-8d3e51";
const NEVER_SHOWN = [HAND.key, HAND.secret, HAND.driftKey, OTHER_TOKEN];
// What `pulumi config set --secret KEY` reads from its standard input, by key.
const SECRET_INPUT: Record<string, string> = {
  "telephony:apiToken": TOKEN,
  twilioApiKey: SECRETS.TWILIO_API_KEY,
  twilioApiSecret: SECRETS.twilioApiSecret,
};
// The Pulumi secret signature: a value held encrypted in the state.
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

const work = mkdtempSync(join(tmpdir(), "telephony-ts-sdk-journey-"));
const project = join(work, "telephony-ts");
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
  passphrase: "ts-sdk-journey-passphrase",
  env: { OTHER_ORG_TOKEN: OTHER_TOKEN },
});

afterAll(async () => {
  await api?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The program: three configurations, one through a provider of its own; `more`, declarations added later. */
const program = (more = "") => `import * as pulumi from "@pulumi/pulumi";
import * as telephony from "@telephony-config/pulumi-telephony";

const config = new pulumi.Config();

const support = new telephony.ProviderConfiguration("twilio-support", {
  name: "Twilio Support",
  provider: 3,
  apiKey: config.requireSecret("twilioApiKey"),
  apiSecret: config.requireSecret("twilioApiSecret"),
  sipUrl: "sip:support.example.sip.twilio.com",
  meta: { region: "us-east-1" },
});

new telephony.ProviderConfiguration("livekit-agents", {
  name: "LiveKit Agents",
  provider: 4,
  baseUrl: "https://voice.example.livekit.cloud",
});

// Another organization, through a provider of its own (same API, its own token, from the environment).
const otherOrg = new telephony.Provider("other-org", {
  apiUrl: new pulumi.Config("telephony").require("apiUrl"),
  orgHandle: "other-org",
  productId: 1,
  apiToken: pulumi.secret(process.env.OTHER_ORG_TOKEN ?? ""),
});
const backup = new telephony.ProviderConfiguration(
  "airtel-backup",
  { name: "Airtel Backup", provider: 1, active: false },
  { provider: otherOrg },
);
${more}
export const supportId = support.id;
export const backupId = backup.id;
export const backupOrg = backup.orgHandle;
`;

/** Writes the program and compiles it with the repository's tsc into bin/, where Pulumi.yaml's main points. */
async function compile(more?: string) {
  writeFileSync(join(project, "index.ts"), program(more));
  const tsc = await inProject(join(REPO, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"]);
  if (tsc.code !== 0) throw new Error(`tsc -p tsconfig.json exited ${tsc.code}:\n${tsc.stdout}\n${tsc.stderr}`);
}

describe("the TypeScript journey with the generated Node.js SDK", () => {
  it(
    "the SDK built, up, drift undone, an explicit provider, pulumi import written into the program, destroy",
    { timeout: 240_000 },
    async () => {
      const started = performance.now();
      api = await startApi({ tokens: { [TOKEN]: ["dev-org"], [OTHER_TOKEN]: ["other-org"] } });
      const url = api.server.url;
      const otherClient = api.clientWith({ token: OTHER_TOKEN, orgHandle: "other-org", productId: 1 });

      // The project, laid out as npm install of @pulumi/pulumi and the SDK would: the SDK built in
      // node_modules/@telephony-config/pulumi-telephony, @pulumi/pulumi (and @types) the repository's.
      mkdirSync(join(project, "node_modules/@telephony-config"), { recursive: true });
      await buildNodeSdk(join(project, "node_modules/@telephony-config/pulumi-telephony"));
      for (const linked of ["@pulumi", "@types"])
        symlinkSync(join(REPO, "node_modules", linked), join(project, "node_modules", linked));
      writeFileSync(
        join(project, "package.json"),
        `${JSON.stringify(
          {
            name: "telephony-ts",
            private: true,
            main: "bin/index.js",
            dependencies: { "@pulumi/pulumi": "^3.260.0", "@telephony-config/pulumi-telephony": "0.1.0" },
          },
          null,
          2,
        )}\n`,
      );
      writeFileSync(
        join(project, "tsconfig.json"),
        `${JSON.stringify(
          {
            compilerOptions: {
              outDir: "bin",
              target: "ES2022",
              module: "nodenext",
              moduleResolution: "nodenext",
              strict: true,
              skipLibCheck: true,
              types: ["node"],
            },
            files: ["index.ts"],
          },
          null,
          2,
        )}\n`,
      );
      // This project's Node.js language host runs JavaScript: the program compiled, main pointing at it.
      writeFileSync(
        join(project, "Pulumi.yaml"),
        [
          "name: telephony-ts",
          "runtime:",
          "  name: nodejs",
          "  options:",
          "    typescript: false",
          "main: bin/index.js",
          "plugins:",
          "  providers:",
          "    - name: telephony",
          `      path: ${join(REPO, "plugin")}`,
          "",
        ].join("\n"),
      );
      await compile();

      mkdirSync(backend);
      await ok(["login", `file://${backend}`]);
      await ok(["stack", "init", "prod"]);
      await ok(["config", "set", "telephony:apiUrl", url]);
      await ok(["config", "set", "telephony:orgHandle", "dev-org"]);
      await ok(["config", "set", "telephony:productId", "1"]);
      for (const [key, value] of Object.entries(SECRET_INPUT)) await ok(["config", "set", "--secret", key], value);
      const stackConfig = readFileSync(join(project, "Pulumi.prod.yaml"), "utf8");
      expect(parse(stackConfig)).toEqual({
        config: {
          "telephony:apiUrl": url,
          "telephony:orgHandle": "dev-org",
          "telephony:productId": "1",
          "telephony:apiToken": { secure: expect.any(String) },
          "telephony-ts:twilioApiKey": { secure: expect.any(String) },
          "telephony-ts:twilioApiSecret": { secure: expect.any(String) },
        },
        encryptionsalt: expect.any(String),
      });

      const up = await ok(["up", "--yes"]);
      expect(up).toMatch(/\+ 5 created/);
      const live = await api.client.list();
      expect(live.map((c) => c.name).sort()).toEqual(["LiveKit Agents", "Twilio Support"]);
      const twilio = live.find((c) => c.provider === 3)!;
      expect(twilio).toMatchObject({
        sip_url: "sip:support.example.sip.twilio.com",
        api_key: SECRETS.TWILIO_API_KEY,
        api_secret: SECRETS.twilioApiSecret,
      });
      expect(live.find((c) => c.provider === 4)!.base_url).toBe("https://voice.example.livekit.cloud");
      // The explicit provider: created in the organization it names, with its own token.
      const otherLive = await otherClient.list();
      expect(otherLive).toEqual([expect.objectContaining({ name: "Airtel Backup", provider: 1, active: false })]);
      expect(await ok(["stack", "output", "supportId"])).toBe(`${twilio.id}\n`);
      expect(await ok(["stack", "output", "backupId"])).toBe(`${otherLive[0]!.id}\n`);
      expect(await ok(["stack", "output", "backupOrg"])).toBe("other-org\n");
      let state = await stateResources();
      const explicit = state.find((r) => r.urn.endsWith("::pulumi:providers:telephony::other-org"))!;
      expect(explicit.inputs).toMatchObject({ apiUrl: url, orgHandle: "other-org", productId: "1" });
      // Its token held encrypted, as a secret: in its inputs and its outputs.
      for (const held of [explicit.inputs!.apiToken, explicit.outputs!.apiToken])
        expect(held).toEqual({ [SECRET_SIG]: expect.any(String), ciphertext: expect.any(String) });
      expect(state.find((r) => r.urn.endsWith("::airtel-backup"))!.provider).toMatch(
        /^urn:pulumi:prod::telephony-ts::pulumi:providers:telephony::other-org::/,
      );
      await ok(["preview", "--expect-no-changes"]);

      // A change by hand: a rename and a new key. A refreshing preview shows both, the key masked.
      await api.client.update(twilio.id, { name: "renamed by hand", api_key: HAND.driftKey });
      const drift = await ok(["preview", "--refresh", "--diff"]);
      expect(drift).toMatch(/~ name\s*: "renamed by hand" => "Twilio Support"/);
      expect(drift).toMatch(/~ apiKey\s*: \[secret\] => \[secret\]/);
      await ok(["up", "--refresh", "--yes"]);
      expect(await api.client.get(twilio.id)).toMatchObject({
        name: "Twilio Support",
        api_key: SECRETS.TWILIO_API_KEY,
        api_secret: SECRETS.twilioApiSecret,
      });
      expect((await api.client.list()).map((c) => c.name).sort()).toEqual(["LiveKit Agents", "Twilio Support"]);

      // One made by hand, with both secrets, imported without code: the state holds its fields, no secret.
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
      const importArgs = [
        "import",
        TYPE,
        "vapi-by-hand",
        String(byHand.id),
        "--yes",
        "--generate-code=false",
        "--protect=false",
      ];
      const imported = await pulumi(importArgs);
      console.log(
        `typescript sdk journey: pulumi ${importArgs.join(" ")} (exit ${imported.code}):\n${imported.stdout}${imported.stderr}`,
      );
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/= 1 imported/);
      state = await stateResources();
      const held = state.find((r) => r.urn.endsWith(`::${TYPE}::vapi-by-hand`))!;
      expect(held).toMatchObject({ id: String(byHand.id), outputs: { name: "Vapi by hand", provider: 6 } });
      expect(held.protect ?? false).toBe(false);
      for (const fields of [held.inputs!, held.outputs!]) {
        expect(fields).not.toHaveProperty("apiKey");
        expect(fields).not.toHaveProperty("apiSecret");
      }
      // The fields the state holds, which the declaration is written from.
      expect(held.inputs).toEqual({
        name: "Vapi by hand",
        provider: 6,
        active: true,
        baseUrl: "https://api.vapi.ai",
        sipUrl: "sip:vapi.example.com",
        meta: { team: "ops" },
      });
      // Nothing written to it: its secrets are as they were.
      expect(await api.client.get(byHand.id)).toMatchObject({ api_key: HAND.key, api_secret: HAND.secret });

      // The declaration added to the program from the imported state, recompiled: the program and the state agree.
      const declaration = `new telephony.ProviderConfiguration("vapi-by-hand", ${JSON.stringify(held.inputs, null, 2)});\n`;
      console.log(`typescript sdk journey: added to index.ts:\n${declaration}`);
      await compile(declaration);
      await ok(["preview", "--expect-no-changes"]);

      // An id that does not exist: refused, saying so; nothing enters the state.
      const ghost = await pulumi(["import", TYPE, "ghost", "999999", "--yes", "--generate-code=false"]);
      console.log(
        `typescript sdk journey: pulumi import ${TYPE} ghost 999999 (exit ${ghost.code}):\n${ghost.stdout}${ghost.stderr}`,
      );
      expect(ghost.code).not.toBe(0);
      expect(ghost.stdout + ghost.stderr).toContain("cannot import configuration 999999: it does not exist");
      state = await stateResources();
      expect(state.some((r) => r.urn.endsWith("::ghost"))).toBe(false);
      expect(
        state
          .filter((r) => r.type === TYPE)
          .map((r) => r.urn.split("::").at(-1))
          .sort(),
      ).toEqual(["airtel-backup", "livekit-agents", "twilio-support", "vapi-by-hand"]);
      const exported = await ok(["stack", "export"]);

      await ok(["destroy", "--yes"]);
      // The imported one too: it is the stack's now. And the other organization's.
      expect(await api.client.list()).toEqual([]);
      expect(await otherClient.list()).toEqual([]);

      const everything = [
        ...transcript,
        exported,
        readFileSync(join(project, "Pulumi.prod.yaml"), "utf8"),
        readFileSync(join(project, "index.ts"), "utf8"),
        readFileSync(join(project, "bin/index.js"), "utf8"),
      ].join("\n");
      expect(leaks(everything, NEVER_SHOWN)).toEqual([]);
      // Nothing warned of along the way (Pulumi, the language host, the plugin, tsc).
      expect.soft(transcript.join("\n").match(/^.*\bwarning\b.*$/gim) ?? []).toEqual([]);
      console.log(`typescript sdk journey: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
  );
});
