// Aliases resolved once per document, and what they expand to, counted before anything is expanded:
// yaml's Alias.resolve walks the whole document on every call, and its toJS expands whatever it is given.
import { isAlias, isCollection, isPair, visit, type Alias, type Document, type Node } from "yaml";

/** Each alias of `doc` and the node it stands for: the last anchor of its name before it (none: undefined). */
export function aliasTargets(doc: Document): Map<Alias, Node | undefined> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node | undefined>();
  // The order of yaml's own resolution: an anchored collection comes before what it holds.
  visit(doc, {
    Node: (_, node) => {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/** How far the aliases of a document expand it: within the budget, past it at `alias`, or without end. */
export type Expansion =
  { kind: "within"; added: number } | { kind: "over"; alias: Alias; size: number } | { kind: "endless"; alias: Alias };

/**
 * Adds up, in document order, the nodes (keys and values) that each alias (a merge's included) puts in
 * the place of itself, and stops at the alias that takes the sum past `budget`, or at one inside its
 * own anchor. Each anchored node is counted once however often it is used, so this is linear in the
 * document as written, whatever it would expand to.
 */
export function aliasExpansion(doc: Document, targets: Map<Alias, Node | undefined>, budget: number): Expansion {
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let endless: Extract<Expansion, { kind: "endless" }> | undefined;
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      if (target && open.has(target)) endless ??= { kind: "endless", alias: node };
      return endless ? Infinity : target ? size(target) : 1;
    }
    if (!isCollection(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let total = 1;
    for (const item of node.items) total += isPair(item) ? size(item.key) + size(item.value) : size(item);
    open.delete(node);
    sizes.set(node, total);
    return total;
  };

  let added = 0;
  let stop: Expansion | undefined;
  visit(doc, {
    Alias: (_, alias) => {
      const expanded = size(alias);
      added += expanded;
      stop = endless ?? (added > budget ? { kind: "over", alias, size: expanded } : undefined);
      if (stop) return visit.BREAK;
    },
  });
  return stop ?? { kind: "within", added };
}
