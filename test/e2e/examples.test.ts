// Every example runs: the TypeScript one here (in place, on its own stack), the YAML one in
// resource.test.ts and in the demo.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { collect, leaks } from "../helpers/leaks.js";
import { REPO } from "../helpers/project.js";
import { throwawayStack, type ThrowawayStack } from "../helpers/pulumi.js";
import { SECRETS } from "../helpers/stack.js";

const workDir = join(REPO, "examples/typescript");
const stackName = `examples-${process.pid}`;

describe("examples/typescript", () => {
  let api: Api;
  let t: ThrowawayStack;
  afterAll(async () => {
    await api?.close();
    await t?.dispose();
    rmSync(join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
  });

  it("declares configurations in code and goes through up, a clean preview and destroy", async () => {
    api = await startApi({ tokens: { [TOKEN]: ["dev-org"] } });
    // Credentials from the environment this time, the fallback of the telephony:* stack config.
    t = await throwawayStack(
      workDir,
      {
        TELEPHONY_API_URL: api.server.url,
        TELEPHONY_API_TOKEN: TOKEN,
        TELEPHONY_ORG_HANDLE: "dev-org",
        TELEPHONY_PRODUCT_ID: "1",
      },
      stackName,
    );
    await t.stack.setAllConfig({
      twilioApiKey: { value: SECRETS.TWILIO_API_KEY, secret: true },
      twilioApiSecret: { value: SECRETS.twilioApiSecret, secret: true },
    });
    const out = collect();
    const up = await t.stack.up({ onOutput: out.onOutput });
    expect(up.summary.resourceChanges).toEqual({ create: 3 });
    const live = await api.client.list();
    expect(live.map((c) => c.name).sort()).toEqual(["LiveKit Agents", "Twilio Support"]);
    expect(up.outputs.supportProvider?.value).toBe("Twilio");
    expect(up.outputs.agentsActive?.value).toBe(true);
    expect(Number(up.outputs.supportId?.value)).toBe(live.find((c) => c.name === "Twilio Support")!.id);

    await t.stack.preview({ expectNoChanges: true, onOutput: out.onOutput });
    expect(leaks((await t.cli(["stack", "export"])).stdout)).toEqual([]);
    await t.stack.destroy({ onOutput: out.onOutput });
    expect(await api.client.list()).toEqual([]);
    expect(leaks(out.text())).toEqual([]);
  });
});
