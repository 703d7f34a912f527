import { afterEach, describe, expect, it } from "vitest";
import { colorFor, progressLine, withProgress } from "../../src/cli/terminal.js";

const stream = (isTTY: boolean) => ({ isTTY }) as NodeJS.WriteStream;
/** A stream that records what is written to it. */
const recording = (isTTY: boolean) => {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream };
};
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

describe("progressLine", () => {
  it("on a terminal: rewritten in place, cleared before a line of its own, cleared at the end", () => {
    const { written, stream: s } = recording(true);
    const line = progressLine(s);
    line.show("refreshing a");
    line.show("updating a");
    line.print("updated a");
    line.show("deleting b");
    line.clear();
    line.clear();
    expect(written.join("")).toBe("refreshing a…\r\x1b[2Kupdating a…\r\x1b[2Kupdated a\ndeleting b…\r\x1b[2K");
  });

  it("elsewhere (a pipe, a file, CI's log): nothing at all", () => {
    const { written, stream: s } = recording(false);
    const line = progressLine(s);
    line.show("x");
    line.print("y");
    line.clear();
    expect(written).toEqual([]);
  });

  it("withProgress: what the work says replaces the label, which never comes up over it; cleared at the end", async () => {
    const { written, stream: s } = recording(true);
    const result = await withProgress(
      "reconciling",
      async (line) => {
        line.show("updating a");
        await new Promise((r) => setTimeout(r, 1100));
        line.print("updated a");
        return 42;
      },
      s,
    );
    expect(result).toBe(42);
    expect(written.join("")).toBe("updating a…\r\x1b[2Kupdated a\n");
  });

  it("withProgress: the label after a second of silence", async () => {
    const { written, stream: s } = recording(true);
    await withProgress("listing", () => new Promise((r) => setTimeout(r, 1100)), s);
    expect(written.join("")).toBe("listing…\r\x1b[2K");
  });
});
