// What init (both kinds) checks of the files it is about to write, before it writes any: a link is never
// followed, and a file where a directory must go stops it.
import { lstatSync, type Stats } from "node:fs";
import { dirname } from "node:path";

/** The path's own entry (a link itself, not what it points at); undefined when there is none. */
export const lstatOrUndefined = (path: string): Stats | undefined => {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
};

/** The first entry between `dir` and `target` that is there and is not a directory, so that `target` cannot be made. */
export function parentInTheWay(dir: string, target: string): string | undefined {
  for (let parent = dirname(target); parent.startsWith(dir) && parent !== dir; parent = dirname(parent)) {
    const stat = lstatOrUndefined(parent);
    if (stat && !stat.isDirectory()) return parent;
  }
  return undefined;
}
