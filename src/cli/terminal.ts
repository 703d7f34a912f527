/** Colors only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export const colorFor = (stream: NodeJS.WriteStream): boolean => Boolean(stream.isTTY) && !process.env.NO_COLOR;

/** A line of progress at the bottom of a terminal: rewritten in place, cleared before anything is printed. */
export interface ProgressLine {
  /** Shows `text…` in place of what the line showed. */
  show(text: string): void;
  /** Prints `text` as a line of its own, above the progress line, which it clears. */
  print(text: string): void;
  clear(): void;
}

const CLEAR = "\r\x1b[2K";

/** The progress line on `stream`, on a terminal only: elsewhere (a pipe, a file, CI's log) nothing is written. */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  let shown = false;
  const clear = () => {
    if (shown) stream.write(CLEAR);
    shown = false;
  };
  if (!stream.isTTY) return { show() {}, print() {}, clear() {} };
  return {
    show(text) {
      stream.write(`${shown ? CLEAR : ""}${text}…`);
      shown = true;
    },
    print(text) {
      clear();
      stream.write(`${text}\n`);
    },
    clear,
  };
}

/**
 * Runs `work`; on a terminal, a progress line appears on stderr once it takes over a second, and is
 * cleared when it ends. Nothing is written when stderr is not a terminal. `work` may take the line
 * over to say more (each step of an apply), from the start.
 */
export async function withProgress<T>(
  label: string,
  work: (line: ProgressLine) => Promise<T>,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<T> {
  const line = progressLine(stream);
  const timer = setTimeout(() => line.show(label), 1000);
  // Once the work says what it is doing, the label no longer comes up over it.
  const said: ProgressLine = {
    show(text) {
      clearTimeout(timer);
      line.show(text);
    },
    print: line.print,
    clear: line.clear,
  };
  try {
    return await work(said);
  } finally {
    clearTimeout(timer);
    line.clear();
  }
}
