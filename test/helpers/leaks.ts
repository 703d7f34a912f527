import { TOKEN } from "./api.js";
import { SECRETS } from "./stack.js";

/** The secret values (and the API token) that appear in `text`: must be none, ever. */
export function leaks(text: string, extra: string[] = []): string[] {
  return [...Object.values(SECRETS), TOKEN, ...extra].filter((value) => text.includes(value));
}

/** Collects everything the CLI printed during an operation. */
export function collect() {
  const lines: string[] = [];
  return { onOutput: (line: string) => void lines.push(line), text: () => lines.join("") };
}
