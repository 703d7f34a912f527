import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO } from "../helpers/project.js";
import { SECRETS, telephonyStack, type TelephonyStack } from "../helpers/stack.js";
import { TOKEN } from "../helpers/api.js";
import type { ProviderConfiguration } from "../../src/client/index.js";

const example = readFileSync(join(REPO, "examples/yaml/telephony.yaml"), "utf8");
const secretValues = [...Object.values(SECRETS), TOKEN];

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** The secret values (and the token) that appear in `text`: none, ever. */
const leaks = (text: string) => secretValues.filter((value) => text.includes(value));

const byName = (configs: ProviderConfiguration[]) => Object.fromEntries(configs.map((c) => [c.name, c]));

const collect = () => {
  const lines: string[] = [];
  return { onOutput: (line: string) => lines.push(line), text: () => lines.join("") };
};

describe("ProviderConfiguration through the real Pulumi CLI", () => {
  it("creates the YAML example, then previews no changes, with no secret in state or output", async () => {
    s = await telephonyStack();
    await s.declare(example);
    const out = collect();
    const up = await s.stack.up({ onOutput: out.onOutput, diff: true });
    expect(up.summary.resourceChanges).toEqual({ create: 4 });
    const live = byName(await s.api.client.list());
    expect(Object.keys(live).sort()).toEqual(["Airtel Backup", "LiveKit Agents", "Twilio Support"]);
    expect(live["Twilio Support"]).toMatchObject({
      provider: 3,
      active: true,
      api_key: SECRETS.TWILIO_API_KEY,
      api_secret: SECRETS.twilioApiSecret,
      base_url: "https://api.twilio.com",
      sip_url: "sip:support.example.sip.twilio.com",
      meta_json: [
        { meta_key: "region", meta_value: "us-east-1" },
        { meta_key: "team", meta_value: "support" },
      ],
    });
    expect(live["Airtel Backup"]).toMatchObject({ provider: 1, active: false, api_key: "", base_url: null });
    expect(up.outputs.configurations?.value).toEqual({
      "twilio-support": { id: live["Twilio Support"]!.id, name: "Twilio Support", provider: 3, active: true },
      "livekit-agents": { id: live["LiveKit Agents"]!.id, name: "LiveKit Agents", provider: 4, active: true },
      "airtel-backup": { id: live["Airtel Backup"]!.id, name: "Airtel Backup", provider: 1, active: false },
    });

    const preview = await s.stack.preview({ expectNoChanges: true, onOutput: out.onOutput, diff: true });
    expect(preview.changeSummary).toEqual({ same: 4 });

    const { stdout: state } = await s.t.cli("stack", "export");
    expect(leaks(state)).toEqual([]);
    expect(leaks(out.text())).toEqual([]);
    expect(state).toContain('"type": "pulumi-nodejs:dynamic/telephony:ProviderConfiguration"');
  });
});
