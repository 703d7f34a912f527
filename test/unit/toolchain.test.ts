// scripts/toolchain.sh: uses what the machine has, and says what is missing when it cannot build it.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/project.js";

const script = join(REPO, "scripts/toolchain.sh");
// The Node running the tests (>= 22.12), npm, and the basic tools: no Go, no Pulumi.
const basePath = [dirname(process.execPath), "/usr/bin", "/bin"].join(":");

function toolchain(path: string, cache: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("bash", [script, ...args], { env: { PATH: path, HOME: process.env.HOME, TELEPHONY_CONFIG_CACHE: cache } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("scripts/toolchain.sh", () => {
  it("uses the Node and the Pulumi CLI already on PATH, builds nothing, then runs the command", async () => {
    const bin = mkdtempSync(join(tmpdir(), "fake-pulumi-"));
    writeFileSync(join(bin, "pulumi"), '#!/bin/sh\n[ "$1" = version ] && echo v3.999.0\n');
    chmodSync(join(bin, "pulumi"), 0o755);
    const cache = mkdtempSync(join(tmpdir(), "empty-cache-"));
    const result = await toolchain(`${bin}:${basePath}`, cache, ["sh", "-c", 'echo "ran with $PULUMI_SKIP_UPDATE_CHECK"']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/setup: node\s+v\d+\.\d+\.\d+ from PATH/);
    expect(result.stderr).toMatch(/setup: pulumi\s+v3\.999\.0 from PATH/);
    expect(result.stderr).not.toMatch(/built from the Go module proxy/);
    expect(result.stdout).toBe("ran with true\n");
  });

  it("stops with a message naming what is missing when there is neither Pulumi nor Go", async () => {
    const cache = mkdtempSync(join(tmpdir(), "empty-cache-"));
    const result = await toolchain(basePath, cache);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/setup: error: the Pulumi CLI is not on PATH and Go is not installed to build it: install Pulumi \(https:\/\/www\.pulumi\.com\/docs\/install\/\) or Go/);
  });
});
