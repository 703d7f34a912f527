// What a stack has already, for adopt --stack: the configurations its state holds and its declarations
// import, and the keys both use.
import { existsSync, statSync } from "node:fs";
import { formatProblem } from "../declarations/declaration.js";
import { loadDeclarations } from "../declarations/load.js";
import type { KnownStack } from "./adopt.js";
import { declarationPaths, stackValues, type StackInfo } from "./stack.js";

/**
 * The stack's holdings: its state's ids under their keys, then the ids its declarations import (which
 * `up` will adopt) and their keys and former keys. Declarations with an error are refused: what a file
 * that does not load imports cannot be told, and writing those configurations again would declare them
 * twice.
 */
export function stackHoldings(stack: StackInfo): KnownStack {
  const holds = new Map<number, string>();
  const keys = new Set<string>();
  for (const [key, id] of stack.stateIds) {
    holds.set(id, key);
    keys.add(key);
  }
  const { declarations, problems } = loadDeclarations(declarationPaths(stack), {
    isSet: () => "set",
    unsetReference: "warning",
    stack: stackValues(stack),
    unresolved: "warning",
  });
  // A path with no declarations yet (none there, or an empty directory: a stack before its first ones)
  // imports nothing: only a file's errors count.
  const errors = problems.filter((p) => p.severity === "error" && existsSync(p.file) && statSync(p.file).isFile());
  if (errors.length)
    throw new Error(
      `the declarations of stack ${stack.name} have errors, so what they import cannot be told:\n` +
        `${errors.map((p) => `  ${formatProblem(p, true)}`).join("\n")}\n` +
        `fix them first (telephony-config validate --stack ${stack.name}); nothing was written`,
    );
  for (const d of declarations) {
    for (const key of [d.key, ...d.formerKeys]) keys.add(key);
    if (d.importId !== undefined && !holds.has(d.importId)) holds.set(d.importId, d.key);
  }
  return { name: stack.name, holds, keys };
}
