// A key written twice in one mapping: yaml says only "Map keys must be unique", at the second one.
import { isMap, isScalar, visit, type Document, type Node } from "yaml";

/**
 * The key yaml found written again at `offset`, named, with the line of its first occurrence; undefined
 * when there is no plain key there to name.
 */
export function duplicateKey(doc: Document, offset: number, lineOf: (node: Node) => number): string | undefined {
  let message: string | undefined;
  visit(doc, {
    Map: (_, map) => {
      if (!isMap(map)) return undefined;
      const again = map.items.findIndex((p) => isScalar(p.key) && p.key.range?.[0] === offset);
      if (again < 0) return undefined;
      const key = map.items[again]!.key as Node & { value: unknown };
      const first = map.items.find((p) => isScalar(p.key) && p.key.value === key.value);
      if (!first || first.key === key) return undefined;
      message = `duplicate key ${JSON.stringify(String(key.value))} (first at line ${lineOf(first.key as Node)})`;
      return visit.BREAK;
    },
  });
  return message;
}
