// Where a value of a YAML document is written: following aliases and merge keys as the YAML's meaning
// does, so that a problem points at the line that holds the value and says how it got where it is used.
import { isAlias, isMap, isScalar, isSeq, type Alias, type Document, type LineCounter, type Node } from "yaml";

/** Where a value is written, and how it got to where it is used: merged (`<<`) or through an alias. */
export interface Located {
  node: Node | null | undefined;
  via: string[];
}

export class Locator {
  constructor(
    readonly doc: Document,
    readonly text: string,
    readonly lineCounter: LineCounter,
    /** Each alias and the node it stands for (aliases.ts). */
    readonly targets: Map<Alias, Node | undefined>,
  ) {}

  /** The node of the value at `path`. */
  value(path: string[]): Located {
    const via: string[] = [];
    let node: Node | null | undefined = this.#unalias(this.doc.contents, via);
    for (const part of path) {
      const pair = isMap(node) ? this.#pair(node, part, via) : undefined;
      const next = pair ? pair.value : isSeq(node) ? (node.items[Number(part)] as Node | undefined) : undefined;
      if (!next) return { node, via };
      node = this.#unalias(next, via);
    }
    return { node, via };
  }

  /** The node of the key at the end of `path` (undefined node when there is none). */
  key(path: string[]): Located {
    const parent = this.value(path.slice(0, -1));
    const pair = isMap(parent.node) ? this.#pair(parent.node, path.at(-1)!, parent.via) : undefined;
    return { node: pair?.key, via: parent.via };
  }

  /**
   * Where the reference that starts at `index` of a scalar's value is written: the same occurrence of
   * it in the scalar's source (quotes, escapes, folding and indentation keep its text but move it).
   */
  offsetOfReference(node: Node | null | undefined, value: string, index: number): number {
    if (!isScalar(node) || !node.range) return offsetOf(node);
    const end = value.indexOf("}", index);
    const reference = value.slice(index, end < 0 ? undefined : end + 1);
    let nth = 0;
    for (let i = value.indexOf(reference); i >= 0 && i < index; i = value.indexOf(reference, i + 1)) nth++;
    const source = this.text.slice(node.range[0], node.range[1]);
    let at = -1;
    for (let k = 0; k <= nth; k++) {
      at = source.indexOf(reference, at + 1);
      if (at < 0) return offsetOf(node);
    }
    return node.range[0] + at;
  }

  line(node: Node | null | undefined): number {
    return this.lineCounter.linePos(offsetOf(node)).line;
  }

  /** The pair of `key` in `map`: its own, or else the first that a merge key brings in. */
  #pair(map: Node, key: string, via: string[]): { key: Node; value: Node | null } | undefined {
    if (!isMap(map)) return undefined;
    for (const pair of map.items) {
      if (isScalar(pair.key) && !isMergeKey(pair.key) && String(pair.key.value) === key)
        return { key: pair.key, value: pair.value as Node | null };
    }
    for (const pair of map.items) {
      if (!isMergeKey(pair.key)) continue;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const source of sources) {
        const found = this.#pair(this.#unalias(source as Node, []) as Node, key, []);
        if (found) {
          via.push(`merged at line ${this.line(pair.key as Node)}`);
          return found;
        }
      }
    }
    return undefined;
  }

  #unalias(node: Node | null | undefined, via: string[]): Node | null | undefined {
    for (let hops = 0; isAlias(node) && hops < 100; hops++) {
      via.push(`through the alias at line ${this.line(node)}`);
      node = this.targets.get(node);
    }
    return node;
  }
}

/** The `<<` of a merge: the yaml library reads it as a scalar whose value is a symbol. */
export const isMergeKey = (key: unknown): boolean => isScalar(key) && typeof key.value === "symbol";
export const offsetOf = (node: Node | null | undefined): number => node?.range?.[0] ?? 0;
export const withVia = (message: string, via: string[]): string =>
  via.length ? `${message} (${via.join(", ")})` : message;

/** A JSON pointer, as ajv's instancePath writes one. */
export const pointer = (path: string[]): string =>
  `/${path.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;
