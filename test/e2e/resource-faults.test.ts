// Exactly once, by itself: `pulumi up`, an update and `destroy` of 100 configurations through an API
// that loses answers after doing the work, answers with a gateway's 502 page, drops connections and
// rate-limits. Repeating the command until it succeeds converges to exactly what is declared.
import { afterEach, describe, expect, it } from "vitest";
import type { Configuration } from "../../src/client/index.js";
import { markOf } from "../../src/model/index.js";
import { FAULTS, stateIds, untilSuccess } from "../helpers/converge.js";
import { SECRETS, telephonyStack, type TelephonyStack } from "../helpers/stack.js";

const COUNT = 100;

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const declarations = (suffix: string, count = COUNT) =>
  [
    "configurations:",
    ...Array.from({ length: count }, (_, i) =>
      [
        `  cfg-${i}:`,
        `    name: Config ${i}${suffix}`,
        `    provider: ${(i % 6) + 1}`,
        `    sipUrl: sip:cfg-${i}.example.com`,
        // Some share everything but the secret: only the secret tells their creates apart.
        ...(i % 10 === 0 ? ["    apiKey: ${env:TWILIO_API_KEY}", "    meta: { team: support }"] : []),
      ].join("\n"),
    ),
  ].join("\n");

/** Exactly the declared names, once each, with the ids the stack holds, and no secret blanked. */
async function expectExactly(stack: TelephonyStack, suffix: string): Promise<void> {
  const live: Configuration[] = await stack.api.client.list();
  expect(live.map((c) => c.name).sort()).toEqual(
    Array.from({ length: COUNT }, (_, i) => `Config ${i}${suffix}`).sort(),
  );
  const ids = await stateIds(stack);
  expect(ids.size).toBe(COUNT);
  for (const c of live) {
    const i = Number(/^Config (\d+)/.exec(c.name)![1]);
    expect(ids.get(`cfg-${i}`)).toBe(c.id);
    expect(c.api_key).toBe(i % 10 === 0 ? SECRETS.TWILIO_API_KEY : "");
  }
}

describe("ProviderConfiguration through the real Pulumi CLI: lost answers", () => {
  // The runs it takes vary with the dice (4 and 9 ups seen in one session, each 30 to 40 s): a generous bound.
  it(
    "up, update and destroy of 100 configurations converge exactly once through lost answers, 502 pages, drops and 429s",
    { timeout: 1_200_000 },
    async () => {
      s = await telephonyStack();
      const figures: string[] = [];
      const phase = async (label: string, args: string[]) => {
        s!.api.server.faults.rates = FAULTS;
        const mark = s!.api.server.requests.length;
        const { runs, output } = await untilSuccess(s!, args);
        s!.api.server.faults.rates = {};
        const requests = s!.api.server.requests.slice(mark);
        // Each notice is printed as it happens and again among the diagnostics.
        const tookOver = new Set(output.match(/took over configuration \d+/g)).size;
        figures.push(
          `${label}: ${runs} runs, ${requests.length} API requests (${requests.filter((r) => r.method === "POST").length} POST, ` +
            `${requests.filter((r) => r.fault).length} answers lost after the work), ${tookOver} creates taken over`,
        );
        return { runs, output, tookOver };
      };

      await s.declare(declarations(""));
      const created = await phase("up", ["up", "--yes", "--skip-preview"]);
      await expectExactly(s, "");
      // Lost answers happened, and were recovered rather than repeated.
      expect(created.tookOver).toBeGreaterThan(0);
      await s.t.cli(["preview", "--refresh", "--expect-no-changes"]);

      await s.declare(declarations(" v2"));
      await phase("update", ["up", "--yes", "--skip-preview"]);
      await expectExactly(s, " v2");
      await s.t.cli(["preview", "--refresh", "--expect-no-changes"]);

      await phase("destroy", ["destroy", "--yes", "--skip-preview"]);
      expect(await s.api.client.list()).toEqual([]);
      expect((await stateIds(s)).size).toBe(0);
      console.log(`fault convergence (${JSON.stringify(FAULTS)}):\n  ${figures.join("\n  ")}`);
    },
  );

  it(
    "two stacks with identical declarations in one organization, at once, through lost answers: each creates its own, once",
    { timeout: 600_000 },
    async () => {
      const count = 30;
      s = await telephonyStack({ stackName: "a" });
      const b = await telephonyStack({ alongside: s, stackName: "b" });
      await s.declare(declarations("", count));
      s.api.server.faults.rates = FAULTS;
      const [runsA, runsB] = await Promise.all([
        untilSuccess(s, ["up", "--yes", "--skip-preview"]),
        untilSuccess(b, ["up", "--yes", "--skip-preview"]),
      ]);
      s.api.server.faults.rates = {};
      const live = await s.api.client.list();
      expect(live).toHaveLength(2 * count);
      for (const stack of [s, b]) {
        // Exactly the configurations its own creates marked, one per key: none of the other stack's.
        const own = live.filter((c) => markOf(c.meta_json)?.stack === `telephony-config/${stack.t.stack.name}`);
        const ids = await stateIds(stack);
        expect(new Map(own.map((c) => [markOf(c.meta_json)!.resource, c.id]))).toEqual(ids);
        await stack.t.cli(["preview", "--refresh", "--expect-no-changes"]);
      }
      expect(runsA.output + runsB.output).toMatch(/took over configuration \d+/);

      s.api.server.faults.rates = FAULTS;
      await untilSuccess(b, ["destroy", "--yes", "--skip-preview"]);
      s.api.server.faults.rates = {};
      expect((await s.api.client.list()).map((c) => c.id).sort()).toEqual([...(await stateIds(s)).values()].sort());
      console.log(`two stacks through faults: a ${runsA.runs} runs, b ${runsB.runs} runs`);
    },
  );

  it(
    "adoption of 20 configurations through lost answers and 502 pages keeps their ids and their undeclared secrets",
    { timeout: 600_000 },
    async () => {
      s = await telephonyStack();
      const made: Configuration[] = [];
      for (let i = 0; i < 20; i++)
        made.push(
          await s.api.client.create({
            name: `Hand ${i}`,
            provider: 3,
            api_key: `hand-key-${i}-7c`,
            api_secret: `hand-secret-${i}-9d`,
          }),
        );
      // Renamed on adoption, so that each one is PATCHed; their secrets are not declared.
      await s.declare(
        [
          "configurations:",
          ...made.map((c, i) => `  hand-${i}:\n    name: Adopted ${i}\n    provider: 3\n    import: ${c.id}`),
        ].join("\n"),
      );
      s.api.server.faults.rates = FAULTS;
      const mark = s.api.server.requests.length;
      const { runs } = await untilSuccess(s, ["up", "--yes", "--skip-preview"]);
      s.api.server.faults.rates = {};
      // The adoption's requests did meet answers lost after the work.
      expect(s.api.server.requests.slice(mark).some((r) => r.fault)).toBe(true);
      const live = await s.api.client.list();
      expect(live.map((c) => c.id).sort((a, b) => a - b)).toEqual(made.map((c) => c.id));
      for (const [i, c] of made.entries()) {
        expect(live.find((l) => l.id === c.id)).toMatchObject({
          name: `Adopted ${i}`,
          api_key: `hand-key-${i}-7c`,
          api_secret: `hand-secret-${i}-9d`,
        });
      }
      expect([...(await stateIds(s)).values()].sort((a, b) => a - b)).toEqual(made.map((c) => c.id));
      await s.t.cli(["preview", "--refresh", "--expect-no-changes"]);
      console.log(`adoption through faults: ${runs} runs`);
    },
  );
});
