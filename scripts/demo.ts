// npm run demo — the main job, on the local API server: declare, apply, find drift, correct it.
import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { colorFor } from "../src/cli/terminal.js";
import { TelephonyClient } from "../src/client/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const stack = "demo";
const backend = mkdtempSync(join(tmpdir(), "telephony-demo-backend-"));
const env = {
  ...process.env,
  PULUMI_BACKEND_URL: `file://${backend}`,
  PULUMI_CONFIG_PASSPHRASE: "demo-passphrase",
  // Made-up provider keys for the example's ${env:…} references.
  TWILIO_API_KEY: "demo-twilio-key",
  LIVEKIT_API_KEY: "demo-livekit-key",
};

let step = 0;
const bold = colorFor(process.stdout) ? (text: string) => `\x1b[1m${text}\x1b[0m` : (text: string) => text;
const say = (text: string) => console.log(`\n${bold(`[${++step}] ${text}`)}`);

function pulumi(args: string[], options: SpawnSyncOptions = {}): void {
  console.log(`$ pulumi ${args.join(" ")}`);
  const result = spawnSync("pulumi", [...args, "--stack", stack], { cwd: root, env, stdio: "inherit", ...options });
  if (result.status !== 0) throw new Error(`pulumi ${args[0]} failed (exit ${result.status ?? result.signal})`);
}

say("Starting the local API server (telephony-config serve)");
const server = spawn(process.execPath, [join(root, "bin/telephony-config.js"), "serve", "--port", "0"], {
  stdio: ["ignore", "pipe", "inherit"],
});
const [url] = (await once(createInterface({ input: server.stdout }), "line")) as [string];
console.log(`listening on ${url}, token dev-token, organization dev-org`);
const client = new TelephonyClient({ baseUrl: url, token: "dev-token", orgHandle: "dev-org", productId: 1 });

let failed = false;
try {
  say(`Creating the local stack '${stack}' (file backend in ${backend})`);
  pulumi(["stack", "init", "--secrets-provider", "passphrase"]);
  pulumi(["config", "set", "telephony:apiUrl", url]);
  pulumi(["config", "set", "--secret", "telephony:apiToken"], {
    input: "dev-token",
    stdio: ["pipe", "inherit", "inherit"],
  });
  pulumi(["config", "set", "telephony:orgHandle", "dev-org"]);
  pulumi(["config", "set", "telephony:productId", "1"]);
  pulumi(["config", "set", "telephony:declarations", "examples/yaml/telephony.yaml"]);
  pulumi(["config", "set", "--secret", "twilioApiSecret"], {
    input: "demo-twilio-secret",
    stdio: ["pipe", "inherit", "inherit"],
  });
  pulumi(["config", "set", "--secret", "livekitApiSecret"], {
    input: "demo-livekit-secret",
    stdio: ["pipe", "inherit", "inherit"],
  });

  say("pulumi up: creating the configurations declared in examples/yaml/telephony.yaml");
  pulumi(["up", "--yes"]);
  const live = await client.list();
  console.log(`the API now holds: ${live.map((c) => `#${c.id} ${c.name}`).join(", ")}`);

  say("pulumi preview --expect-no-changes: the stack matches its declarations");
  pulumi(["preview", "--expect-no-changes"]);

  const twilio = live.find((c) => c.name === "Twilio Support")!;
  say(`Changing #${twilio.id} behind Pulumi's back, through the API: new name, no SIP URL`);
  await client.update(twilio.id, { name: "Twilio (edited by hand)", sip_url: "" });

  say("pulumi preview --refresh --diff: the drift shows");
  pulumi(["preview", "--refresh", "--diff"]);

  say("pulumi up --refresh: bringing it back to the declaration");
  pulumi(["up", "--refresh", "--yes"]);
  const restored = await client.get(twilio.id);
  console.log(`#${restored.id} is "${restored.name}" again, SIP URL ${restored.sip_url}`);
  if (restored.name !== "Twilio Support" || !restored.sip_url) throw new Error("the configuration was not restored");
} catch (error) {
  failed = true;
  console.error(`\ndemo failed: ${(error as Error).message}`);
} finally {
  say("Tearing down: pulumi destroy, stack rm, server stopped");
  try {
    pulumi(["destroy", "--yes"]);
    pulumi(["stack", "rm", "--yes"]);
    console.log(`configurations left on the server: ${(await client.list()).length}`);
  } catch (error) {
    failed = true;
    console.error(`teardown failed: ${(error as Error).message}`);
  }
  await client.close();
  server.kill("SIGTERM");
  rmSync(backend, { recursive: true, force: true });
}
if (failed) process.exit(1);
console.log("\ndemo done");
