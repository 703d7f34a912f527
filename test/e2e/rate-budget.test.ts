// One API rate limit shared by several stacks that run at once, as a platform team runs them (the
// Kubernetes operator runs every Stack at once; a CI matrix runs max-parallel of them): each stack its
// own project, state and organization, all `pulumi up` at the same time behind one `serve --rate-limit`,
// each paced to its share of the limit (rateShare). Half take the share as stack config, as the
// generator's Stacks do; half as TELEPHONY_MAX_RPS, as a CI matrix does.
import type { ConfigMap } from "@pulumi/pulumi/automation/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { rateShare } from "../../src/gitops/rate-budget.js";
import { stacksOnOneApi, type StacksOnOneApi } from "../helpers/stacks-on-one-api.js";

const STACKS = 4;
// A bucket no larger than a second of the rate, as an API that publishes its limit per second keeps it.
const LIMIT = { rate: 4, burst: 4 };
// 60 per stack: 240 creates, a floor of 60 s, long beside what the stacks' first requests and ends spread over.
const PER_STACK = 60;
const SHARE = rateShare(LIMIT.rate, STACKS);

let fleet: StacksOnOneApi | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe("one rate budget across stacks that run at once", () => {
  it(
    `${STACKS} stacks' up and destroy at once behind ${LIMIT.rate} requests/s, each paced to its share: all succeed, at most 10% 429s, within 1.25× the floor once started`,
    { timeout: 360_000 },
    async () => {
      // When each request came, beside the server's log of them: the engine's start-up is the time to the first.
      const times: number[] = [];
      fleet = await stacksOnOneApi({
        count: STACKS,
        server: { rateLimit: LIMIT, onRequest: () => times.push(performance.now()) },
        config: (i): ConfigMap => (i % 2 ? {} : { "telephony:maxRequestsPerSecond": { value: String(SHARE) } }),
        env: (i): Record<string, string> => (i % 2 ? { TELEPHONY_MAX_RPS: String(SHARE) } : {}),
      });
      const lines = ["configurations:"];
      for (let i = 0; i < PER_STACK; i++)
        lines.push(`  cfg-${i}:\n    name: Config ${i}\n    provider: ${(i % 6) + 1}`);
      for (const { project } of fleet.stacks) project.declare(`${lines.join("\n")}\n`);
      const figures: string[] = [];

      const atOnce = async (label: string, args: string[]) => {
        const { server } = fleet!.api;
        const mark = server.requests.length;
        const started = performance.now();
        // PKO's updates and a matrix's jobs run `up` through the automation API, which skips the preview.
        const runs = await Promise.allSettled(
          fleet!.stacks.map(({ t }) => t.cli([...args, "--yes", "--skip-preview"])),
        );
        const ended = performance.now();
        const requests = server.requests.slice(mark);
        const refused = requests.filter((r) => r.status === 429).length;
        // A 429 takes no token from the bucket: the floor is the time the requests it let through need.
        const floor = (requests.length - refused) / LIMIT.rate;
        // What the budget governs runs from the first request to the last stack's end. Before it, the
        // engines start (four at once on two cores: 4 to 39 s measured here, by the load), which no pacing
        // can shorten; it is printed, and left out of the ratio.
        const startUp = (times[mark]! - started) / 1000;
        const paced = (ended - times[mark]!) / 1000;
        figures.push(
          `${label}: ${requests.length} requests, ${refused} answered 429 (${((100 * refused) / requests.length).toFixed(1)}%), ` +
            `floor ${floor.toFixed(1)} s; ${startUp.toFixed(1)} s to the first request, then ${paced.toFixed(1)} s ` +
            `(${(paced / floor).toFixed(2)}× the floor); ${(startUp + paced).toFixed(1)} s in all (${((startUp + paced) / floor).toFixed(2)}×)`,
        );
        // Each stack in one run: a failed one is named with what it said.
        const failed = runs.flatMap((run, i) =>
          run.status === "rejected" ? [`stack ${i}: ${String(run.reason)}`] : [],
        );
        expect(failed).toEqual([]);
        expect(refused / requests.length).toBeLessThanOrEqual(0.1);
        expect(paced / floor).toBeLessThanOrEqual(1.25);
      };

      try {
        await atOnce("up", ["up"]);
        for (const { org } of fleet.stacks)
          expect(await fleet.api.client.inOrganization(org).list()).toHaveLength(PER_STACK);
        await atOnce("destroy", ["destroy"]);
        for (const { org } of fleet.stacks) expect(await fleet.api.client.inOrganization(org).list()).toEqual([]);
      } finally {
        console.log(
          `${STACKS} stacks at once, ${PER_STACK} configurations each, limit ${LIMIT.rate}/s in bursts of ${LIMIT.burst}, ` +
            `share ${SHARE}/s each:\n  ${figures.join("\n  ")}`,
        );
      }
    },
  );
});
