// Reading a stack's config runs `pulumi config --show-secrets`: what fails must not carry what it printed.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { readStackConfig } from "../../src/settings/stack-config.js";
import { caught } from "../helpers/caught.js";

const SECRET = "tok-decrypted-4f1c";
const path = process.env.PATH;
afterEach(() => {
  process.env.PATH = path;
});

describe("readStackConfig", () => {
  it("fails with pulumi's error alone: decrypted values it printed before failing are nowhere in the error", async () => {
    const project = mkdtempSync(join(tmpdir(), "stack-config-"));
    writeFileSync(join(project, "Pulumi.yaml"), "name: voice\nruntime: nodejs\n");
    const bin = join(project, "bin");
    mkdirSync(bin);
    writeFileSync(
      join(bin, "pulumi"),
      `#!/bin/sh\nprintf '{"telephony:apiToken": {"value": "${SECRET}", "secret": true},'\necho "error: failed to decrypt one value" >&2\nexit 1\n`,
    );
    chmodSync(join(bin, "pulumi"), 0o755);
    process.env.PATH = `${bin}:${path}`;
    const error = await caught(readStackConfig("prod", project));
    expect(String(error)).toContain("pulumi config --json failed: error: failed to decrypt one value");
    expect(inspect(error, { depth: 10 })).not.toContain(SECRET);
  });
});
