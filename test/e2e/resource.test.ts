// The ProviderConfiguration lifecycle through the real Pulumi CLI, against the local API server.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Configuration } from "../../src/client/index.js";
import { collect, leaks } from "../helpers/leaks.js";
import { REPO } from "../helpers/project.js";
import { SECRETS, telephonyStack, type TelephonyStack } from "../helpers/stack.js";

const example = readFileSync(join(REPO, "examples/yaml/telephony.yaml"), "utf8");
const byName = (configs: Configuration[]) => Object.fromEntries(configs.map((c) => [c.name, c]));

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe("ProviderConfiguration through the real Pulumi CLI", () => {
  it("creates, previews clean, renames, rotates a secret and the token, replaces, destroys", async () => {
    s = await telephonyStack();
    const out = collect();
    await s.declare(example);

    // Create.
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
        // The ownership mark its create wrote: this stack and resource, and that create's nonce.
        {
          meta_key: "telephony-config:owner",
          meta_value: expect.stringMatching(
            /^\{"stack":"telephony-config\/test","resource":"twilio-support","create":"[0-9a-f-]{36}"\}$/,
          ),
        },
      ],
    });
    expect(live["Airtel Backup"]).toMatchObject({ provider: 1, active: false, api_key: "", base_url: null });
    const twilioId = live["Twilio Support"]!.id;
    expect(up.outputs.configurations?.value).toEqual({
      "twilio-support": { id: twilioId, name: "Twilio Support", provider: 3, active: true },
      "livekit-agents": { id: live["LiveKit Agents"]!.id, name: "LiveKit Agents", provider: 4, active: true },
      "airtel-backup": { id: live["Airtel Backup"]!.id, name: "Airtel Backup", provider: 1, active: false },
    });

    // Nothing to do right after, without a single API call.
    const before = s.api.server.requests.length;
    expect(
      (await s.stack.preview({ expectNoChanges: true, onOutput: out.onOutput, diff: true })).changeSummary,
    ).toEqual({ same: 4 });
    expect(s.api.server.requests.length).toBe(before);

    // Rename: one PATCH, carrying only the name.
    await s.declare(example.replace("name: Twilio Support", "name: Twilio Sales"));
    const renamed = await s.stack.up({ onOutput: out.onOutput, diff: true });
    expect(renamed.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(s.api.server.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([
      {
        method: "PATCH",
        path: `/api/v2/platform/telephony/providers-configurations/${twilioId}/`,
        status: 200,
        bodyKeys: ["name"],
      },
    ]);

    // Rotate a secret: updated, and the new value is in neither output nor state.
    const rotated = "twilio-secret-rotated-5c1e";
    await s.stack.setConfig("twilioApiSecret", { value: rotated, secret: true });
    const mark = s.api.server.requests.length;
    const rotation = await s.stack.up({ onOutput: out.onOutput, diff: true });
    expect(rotation.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(
      s.api.server.requests
        .slice(mark)
        .filter((r) => r.method === "PATCH")
        .map((r) => r.bodyKeys),
    ).toEqual([["api_secret"]]);
    expect((await s.api.client.get(twilioId)).api_secret).toBe(rotated);

    // Rotate the API token: the stack config changes, the resources do not.
    s.api.server.tokens.set("dev-token-rotated-8d2f", ["dev-org"]);
    await s.stack.setConfig("telephony:apiToken", { value: "dev-token-rotated-8d2f", secret: true });
    await s.stack.preview({ expectNoChanges: true, onOutput: out.onOutput, diff: true });

    // Change provider: replaced, new id, the old one deleted.
    await s.declare(
      example.replace("name: Twilio Support", "name: Twilio Sales").replace("provider: 3", "provider: 5"),
    );
    const replaced = await s.stack.up({ onOutput: out.onOutput, diff: true });
    expect(replaced.summary.resourceChanges).toEqual({ same: 3, replace: 1 });
    const newId = (replaced.outputs.configurations?.value as Record<string, { id: number }>)["twilio-support"]!.id;
    expect(newId).not.toBe(twilioId);
    await expect(s.api.client.get(twilioId)).rejects.toMatchObject({ status: 404 });
    expect((await s.api.client.get(newId)).provider).toBe(5);

    const { stdout: state } = await s.t.cli(["stack", "export"]);
    expect(leaks(state, [rotated, "dev-token-rotated-8d2f"])).toEqual([]);
    expect(state).toContain('"type": "pulumi-nodejs:dynamic/telephony:ProviderConfiguration"');

    // Destroy: the server is empty afterwards.
    await s.stack.destroy({ onOutput: out.onOutput });
    expect(await s.api.client.list()).toEqual([]);
    expect(leaks(out.text(), [rotated, "dev-token-rotated-8d2f"])).toEqual([]);
  });

  it("finds changes made by hand, and puts them right; recreates a configuration deleted by hand", async () => {
    s = await telephonyStack();
    await s.declare(example);
    const up = await s.stack.up();
    const ids = up.outputs.configurations?.value as Record<string, { id: number }>;
    const twilio = ids["twilio-support"]!.id;
    const airtel = ids["airtel-backup"]!.id;

    // By hand: a rename, a changed SIP URL, a reordered meta_json (the API's order is not meaningful).
    await s.api.client.update(twilio, { name: "Renamed By Hand", sip_url: "" });
    await s.api.client.update(airtel, { base_url: null });

    const out = collect();
    const drift = await s.stack.preview({ refresh: true, diff: true, onOutput: out.onOutput });
    expect(drift.changeSummary).toEqual({ same: 3, update: 1 });
    expect(out.text()).toMatch(/~ name\s*:\s*"Renamed By Hand" => "Twilio Support"/);

    await s.stack.refresh({ onOutput: out.onOutput });
    // What refresh read back (secrets included) is kept as secrets.
    expect(leaks((await s.t.cli(["stack", "export"])).stdout)).toEqual([]);
    expect(leaks(out.text())).toEqual([]);
    const fixed = await s.stack.up();
    expect(fixed.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(await s.api.client.get(twilio)).toMatchObject({
      name: "Twilio Support",
      sip_url: "sip:support.example.sip.twilio.com",
    });
    await s.stack.preview({ expectNoChanges: true, refresh: true });

    // Deleted by hand: refresh drops it, up creates it again.
    await s.api.client.delete(airtel);
    const refreshed = await s.stack.refresh();
    expect(refreshed.summary.resourceChanges).toMatchObject({ delete: 1 });
    const recreated = await s.stack.up();
    expect(recreated.summary.resourceChanges).toEqual({ same: 3, create: 1 });
    const airtelAgain = (recreated.outputs.configurations?.value as Record<string, { id: number }>)["airtel-backup"]!
      .id;
    expect(airtelAgain).not.toBe(airtel);
    expect((await s.api.client.get(airtelAgain)).name).toBe("Airtel Backup");
  });
});
