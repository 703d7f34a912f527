import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/project.js";

const run = promisify(execFile);

describe("npm run demo", () => {
  it("applies the YAML example, finds a change made by hand, corrects it and tears down", async () => {
    const { stdout } = await run(process.execPath, [join(REPO, "dist/scripts/demo.js")], {
      cwd: REPO,
      maxBuffer: 64 << 20,
    });
    expect(stdout).toMatch(/the API now holds: #\d+ .*Twilio Support/);
    expect(stdout).toMatch(/~ name\s*: "Twilio Support" => "Twilio \(edited by hand\)"/);
    expect(stdout).toMatch(/is "Twilio Support" again, SIP URL sip:support\.example\.sip\.twilio\.com/);
    expect(stdout).toMatch(/configurations left on the server: 0/);
    expect(stdout).toMatch(/demo done\n$/);
    expect(stdout).not.toMatch(/demo-twilio-secret|demo-livekit-secret/);
  });
});
