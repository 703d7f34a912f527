/** Colors only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export const colorFor = (stream: NodeJS.WriteStream): boolean => Boolean(stream.isTTY) && !process.env.NO_COLOR;

/**
 * Runs `work`; on a terminal, a progress line appears on stderr once it takes over a second, and is
 * cleared when it ends. Nothing is written when stderr is not a terminal.
 */
export async function withProgress<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work();
  let shown = false;
  const timer = setTimeout(() => {
    shown = true;
    process.stderr.write(`${label}…`);
  }, 1000);
  try {
    return await work();
  } finally {
    clearTimeout(timer);
    if (shown) process.stderr.write("\r\x1b[2K");
  }
}
