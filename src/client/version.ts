import { createRequire } from "node:module";

// Self-reference by package name resolves from src/ (tests) and dist/src/ (build) alike.
const pkg = createRequire(import.meta.url)("telephony-config/package.json") as { name: string; version: string };

export const packageName = pkg.name;
export const packageVersion = pkg.version;
