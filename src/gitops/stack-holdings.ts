// What a stack has already, for adopt --stack: the configurations its state holds and its declarations
// import, and the keys both use.
import { loadDeclarations } from "../declarations/load.js";
import type { KnownStack } from "./adopt.js";
import { declarationPaths, stackValues, type StackInfo } from "./stack.js";

/**
 * The stack's holdings: its state's ids under their keys, then the ids its declarations import (which
 * `up` will adopt) and their keys and former keys. Declarations that do not load add nothing: `validate`
 * is the place for their problems, and the state is what `up` would change.
 */
export function stackHoldings(stack: StackInfo): KnownStack {
  const holds = new Map<number, string>();
  const keys = new Set<string>();
  for (const [key, id] of stack.stateIds) {
    holds.set(id, key);
    keys.add(key);
  }
  const { declarations } = loadDeclarations(declarationPaths(stack), {
    isSet: () => "set",
    unsetReference: "warning",
    stack: stackValues(stack),
    unresolved: "warning",
  });
  for (const d of declarations) {
    for (const key of [d.key, ...d.formerKeys]) keys.add(key);
    if (d.importId !== undefined && !holds.has(d.importId)) holds.set(d.importId, d.key);
  }
  return { name: stack.name, holds, keys };
}
