// The provider's behaviour, for any host: the Pulumi dynamic provider and the native plugin (src/pulumi/).
// Inputs and outputs are plain objects; which fields are secret is said as data.
import type { ConfigurationInputs, ConfigurationOutputs, Owner } from "../model/index.js";
import type { ApiSettings } from "../settings/settings.js";
import { check, type CheckFailure } from "./check.js";
import { create, type Created } from "./create.js";
import { remove } from "./delete.js";
import { diff, type DiffEntry } from "./diff.js";
import { importConfiguration } from "./import.js";
import { Operation } from "./operation.js";
import type { Outputs } from "./outputs.js";
import { read, type Read } from "./read.js";
import { update } from "./update.js";

/** The calls of one engine operation, on the configurations of one stack. */
export interface ProviderRuntime {
  /** Failures of a resource's inputs (`news`), by property; `olds` are its inputs in the state, if any. */
  check(olds: Record<string, unknown>, news: Record<string, unknown>): CheckFailure[];
  /** What an update would change, field by field (empty: nothing). Sends nothing. */
  diff(id: string, olds: ConfigurationOutputs, news: ConfigurationInputs): DiffEntry[];
  create(inputs: ConfigurationInputs): Promise<Created>;
  /** Undefined when the configuration was deleted out of band (the API's own 404, confirmed by its list). */
  read(id: string, state: ConfigurationOutputs): Promise<Read | undefined>;
  /** Configuration `id` as it is, for `owner` to hold from now on (Pulumi's import): refused when it is another's. */
  import(id: string, owner: Owner): Promise<Read>;
  update(id: string, olds: ConfigurationOutputs, news: ConfigurationInputs): Promise<Outputs>;
  /** `owner`: the resource being deleted, where the host knows it (a native plugin, from the URN). */
  delete(id: string, state: ConfigurationOutputs, owner?: Owner): Promise<void>;
}

export interface RuntimeOptions {
  /** Resolves the API settings; what it throws is reported by the first call that needs the API. */
  settings(): ApiSettings;
  /** Says something in the output of the operation. */
  notice(message: string): void;
  /**
   * Throws when the operation may write nothing (the large-stack mode's guard, src/settings/large-stack.ts):
   * asked before each create, update and delete. Reads write nothing, so refresh and import are not asked.
   */
  mayWrite(): void;
}

/** The runtime for one engine operation: what it learns about the stack's configurations starts here. */
export function configure({ settings, notice, mayWrite }: RuntimeOptions): ProviderRuntime {
  const op = new Operation(resolve(settings), notice);
  const writing =
    <A extends unknown[], T>(call: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      mayWrite();
      return call(...args);
    };
  return {
    check: (olds, news) => check(op.ledger, olds, news, op.notice),
    diff: (id, olds, news) => diff(op, id, olds, news),
    create: writing((inputs: ConfigurationInputs) => create(op, inputs)),
    read: (id, state) => read(op, id, state),
    import: (id, owner) => importConfiguration(op, id, owner),
    update: writing((id: string, olds: ConfigurationOutputs, news: ConfigurationInputs) => update(op, id, olds, news)),
    delete: writing((id: string, state: ConfigurationOutputs, owner?: Owner) => remove(op, id, state, owner)),
  };
}

function resolve(settings: () => ApiSettings): ApiSettings | Error {
  try {
    return settings();
  } catch (error) {
    return error as Error;
  }
}
