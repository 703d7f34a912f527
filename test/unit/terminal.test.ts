import { afterEach, describe, expect, it } from "vitest";
import { colorFor } from "../../src/cli/terminal.js";

const stream = (isTTY: boolean) => ({ isTTY }) as NodeJS.WriteStream;
const saved = process.env.NO_COLOR;
afterEach(() => {
  if (saved === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = saved;
});

describe("colorFor", () => {
  it("colors a terminal, not a pipe, and never with NO_COLOR", () => {
    delete process.env.NO_COLOR;
    expect(colorFor(stream(true))).toBe(true);
    expect(colorFor(stream(false))).toBe(false);
    process.env.NO_COLOR = "1";
    expect(colorFor(stream(true))).toBe(false);
  });
});
