// `kill -9` of `pulumi up` while it creates, through the real Pulumi CLI: the provider stops sending when
// the engine is gone, and the next `up` recovers the creates it never heard of by their marks.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { markOf } from "../../src/model/index.js";
import { collect } from "../helpers/leaks.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

const COUNT = 40;

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const posts = (stack: TelephonyStack) => stack.api.server.requests.filter((r) => r.method === "POST").length;

describe("ProviderConfiguration through the real Pulumi CLI: interrupted runs", () => {
  it(
    "after kill -9 of up, nothing more is sent, and the next up takes over what was created, once",
    { timeout: 300_000 },
    async () => {
      s = await telephonyStack();
      await s.declare(
        [
          "configurations:",
          ...Array.from({ length: COUNT }, (_, i) => `  cfg-${i}:\n    name: Config ${i}\n    provider: 3`),
        ].join("\n"),
      );
      s.api.server.faults.latencyMs = 250;

      const up = spawn("pulumi", ["up", "--yes", "--skip-preview", "--stack", "test", "--non-interactive"], {
        cwd: s.project.dir,
        env: { ...process.env, ...s.t.env },
        stdio: "ignore",
      });
      while (posts(s) < 5) await sleep(20);
      up.kill("SIGKILL");
      // What was in flight may still land; after that, nothing (earlier releases went on for 30 s).
      await sleep(2_000);
      const settled = s.api.server.requests.length;
      await sleep(3_000);
      expect(s.api.server.requests.length).toBe(settled);
      const created = posts(s);
      expect(created).toBeLessThan(COUNT);

      // The file backend's lock outlives the killed CLI.
      await s.t.cli(["cancel", "--yes"]).catch(() => undefined);
      s.api.server.faults.latencyMs = 0;
      const out = collect();
      await s.stack.up({ onOutput: out.onOutput });
      const live = await s.api.client.list();
      expect(live.map((c) => c.name).sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `Config ${i}`).sort());
      expect(posts(s)).toBe(COUNT);
      expect(new Set(live.map((c) => markOf(c.meta_json)?.resource)).size).toBe(COUNT);
      // Every POST was sent once: what the killed run created was taken over, by its mark.
      expect(out.text()).toMatch(
        /took over configuration \d+ \("Config \d+"\), which this resource created in an earlier run whose answer was lost/,
      );

      // The engine's warning about the creates it never heard of ends with the refresh the README gives.
      await s.t.cli(["refresh", "--yes", "--clear-pending-creates"]);
      const state = JSON.parse((await s.t.cli(["stack", "export"])).stdout).deployment;
      expect(state.pending_operations ?? []).toEqual([]);
      expect(
        state.resources
          .filter((r: { type: string }) => r.type.endsWith(":ProviderConfiguration"))
          .map((r: { id: string }) => Number(r.id))
          .sort(),
      ).toEqual(live.map((c) => c.id).sort());
      await s.stack.preview({ expectNoChanges: true, refresh: true });
    },
  );
});
