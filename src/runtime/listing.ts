// An organization's configurations as one operation listed them, indexed once: by id, and by the
// stack and resource their ownership marks name. Every create and write of the operation looks its
// configuration up here, so that each one costs the same whatever the organization holds: scanning the
// list and parsing every mark for each create made an `up` of n configurations into an organization
// of n cost n² mark parses (seconds of provider CPU at 1,000).
import type { Configuration } from "../client/contract.js";
import { markOf, type Mark } from "../model/index.js";

/** A configuration carrying a well-formed mark, and that mark. */
export interface Marked {
  configuration: Configuration;
  mark: Mark;
}

interface Entry extends Marked {
  /** Its place in the list: what several names gather is given back in the list's order. */
  position: number;
}

const ownerKey = (stack: string, resource: string) => JSON.stringify([stack, resource]);

export class Listing {
  readonly #byId = new Map<number, Configuration>();
  readonly #byOwner = new Map<string, Entry[]>();

  constructor(configurations: readonly Configuration[]) {
    configurations.forEach((configuration, position) => {
      // The first of an id, as a search of the list finds it.
      if (!this.#byId.has(configuration.id)) this.#byId.set(configuration.id, configuration);
      const mark = markOf(configuration.meta_json);
      if (!mark) return;
      const key = ownerKey(mark.stack, mark.resource);
      const entries = this.#byOwner.get(key) ?? [];
      entries.push({ configuration, mark, position });
      this.#byOwner.set(key, entries);
    });
  }

  /** The configuration listed at `id`, if the list holds it. */
  byId(id: number): Configuration | undefined {
    return this.#byId.get(id);
  }

  /** The configurations whose mark names stack `stack` and one of `resources`, in the list's order. */
  markedBy(stack: string, resources: readonly string[]): Marked[] {
    const entries = [...new Set(resources)].flatMap((resource) => this.#byOwner.get(ownerKey(stack, resource)) ?? []);
    return entries.sort((a, b) => a.position - b.position).map(({ configuration, mark }) => ({ configuration, mark }));
  }
}
