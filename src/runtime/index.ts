// The runtime's public surface: what hosts, gitops and tests use.
export { isBug } from "./bug.js";
export { UNKNOWN, type CheckFailure } from "./check.js";
export type { Created } from "./create.js";
export type { DiffEntry } from "./diff.js";
export type { Outputs } from "./outputs.js";
export type { Read } from "./read.js";
export { configure, type ProviderRuntime, type RuntimeOptions } from "./runtime.js";
