// `pulumi up` and `destroy` of 200 configurations behind an API that takes 5 requests a second (bursts
// of 10) and answers 429 with Retry-After past that: each succeeds in one run, pacing itself.
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { TOKEN } from "../helpers/api.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

const COUNT = 200;

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe("ProviderConfiguration through the real Pulumi CLI: an API that limits its rate", () => {
  it(
    "up and destroy of 200 configurations succeed in one run each, with at most 10% of requests refused",
    { timeout: 600_000 },
    async () => {
      s = await telephonyStack({ server: { rateLimit: { rate: 5, burst: 10 } } });
      const lines = ["configurations:"];
      for (let i = 0; i < COUNT; i++) lines.push(`  cfg-${i}:\n    name: Config ${i}\n    provider: ${(i % 6) + 1}`);
      await s.declare(`${lines.join("\n")}\n`);
      const figures: string[] = [];

      const phase = async (label: string, args: string[]) => {
        const mark = s!.api.server.requests.length;
        const started = Date.now();
        const { stdout, stderr } = await s!.t.cli(args); // one run: it throws if it fails
        const requests = s!.api.server.requests.slice(mark);
        const refused = requests.filter((r) => r.status === 429).length;
        figures.push(
          `${label}: ${((Date.now() - started) / 1000).toFixed(1)} s, ${requests.length} requests, ${refused} answered 429 (${((100 * refused) / requests.length).toFixed(1)}%)`,
        );
        expect(refused / requests.length).toBeLessThanOrEqual(0.1);
        return stdout + stderr;
      };

      const up = await phase("up", ["up", "--yes", "--skip-preview"]);
      expect(up).toContain("rate limited by the API: pacing all requests to the rate it allows");
      const live = await s.api.client.list();
      expect(live).toHaveLength(COUNT);
      expect(new Set(live.map((c) => c.name)).size).toBe(COUNT);

      // drift still costs one request (after the limit's window has passed).
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const mark = s.api.server.requests.length;
      const drift = await runCli(["drift", "telephony.yaml", "--stack", "test"], {
        cwd: s.project.dir,
        env: { ...s.t.env },
      });
      expect(drift.code).toBe(0);
      expect(s.api.server.requests.slice(mark).map((r) => r.status)).toEqual([200]);

      await phase("destroy", ["destroy", "--yes", "--skip-preview"]);
      expect(await s.api.client.list()).toEqual([]);
      console.log(
        `rate limit 5/s, bursts of 10, ${COUNT} configurations (floor ${COUNT / 5} s):\n  ${figures.join("\n  ")}`,
      );
      expect(TOKEN).toBeTruthy();
    },
  );
});
