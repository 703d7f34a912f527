// Creates a configuration exactly once, across lost answers and across runs. The API has no
// idempotency key, so every create writes an ownership mark (its stack, resource and a nonce) into the
// configuration: a create whose answer never arrived (a reset, a timeout, a gateway's 502 page) is found
// again by that mark, never by content alone, which cannot tell it from somebody else's look-alike.
import type { TelephonyClient } from "../client/client.js";
import type { CreateConfigurationInput, Configuration } from "../client/contract.js";
import { isOutcomeUnknown } from "../client/errors.js";
import {
  isCreatedFrom,
  markValue,
  markValueOf,
  patchFor,
  replacementsFor,
  toCreateBody,
  toOutputs,
  type ConfigurationInputs,
  type Mark,
} from "../model/index.js";
import type { Listing, Marked } from "./listing.js";

export interface CreateOnceContext {
  /** Acting in the organization to create in: its list holds that organization's configurations only. */
  client: TelephonyClient;
  /**
   * The organization's configurations, listed and indexed once in the operation and shared by its
   * creates and writes: what this run created since is held (isKnown), so never taken for an earlier run's.
   */
  before(): Promise<Listing>;
  /** Whether a resource of this stack is known to hold the id: never taken over by another one. */
  isKnown(id: number): boolean;
  /** Records that this resource holds the id, before any other create of the run can look. */
  hold(id: number): void;
  /** Says something in the output of the Pulumi operation. */
  notice(message: string): void;
}

/** Creates what `inputs` declare (with the secrets a replacement carries over), marked with `mark`. */
export async function createOnce(
  inputs: ConfigurationInputs,
  mark: Mark,
  ctx: CreateOnceContext,
): Promise<Configuration> {
  const body = toCreateBody(inputs, mark);
  // This resource's creates (of any run, by either kind of resource, under its key or one it had
  // before) that no resource of the stack holds.
  const unheld = (await listedBefore(body, ctx))
    .markedBy(mark.stack, [mark.resource, ...(mark.formerly ?? [])])
    .filter(({ configuration }) => !ctx.isKnown(configuration.id));
  refuseOtherKinds(unheld, mark);
  const earlier = unheld.filter((found) => found.mark.host === mark.host).map(({ configuration }) => configuration);
  const exact = earlier.filter((c) => isCreatedFrom(body, c));
  if (exact.length) return takeOver(exact, body, ctx, "this resource created in an earlier run whose answer was lost");
  if (earlier.length) return takeOverChanged(earlier, inputs, ctx);
  let created: Configuration;
  try {
    created = await ctx.client.create(body);
  } catch (error) {
    if (!isOutcomeUnknown(error)) throw error;
    return takeOver(
      await madeAnyway(error as Error, mark, ctx),
      body,
      ctx,
      "this create made although its answer was lost",
    );
  }
  ctx.hold(created.id);
  return created;
}

async function listedBefore(body: CreateConfigurationInput, ctx: CreateOnceContext): Promise<Listing> {
  try {
    return await ctx.before();
  } catch (error) {
    throw new Error(
      `could not check whether "${body.name}" was already created by an earlier run whose answer was lost, ` +
        `so it was not created: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * What this resource's key created as the other kind of resource (dynamic or native), held by no
 * resource this operation has seen, is not this one's to take over, whatever it holds now: the stack's
 * state may still hold it as that resource, whose delete would then remove it while this one holds a
 * copy (telephony:plugin switched without migrate). Nor is anything created beside it.
 */
function refuseOtherKinds(unheld: Marked[], mark: Mark) {
  const other = unheld.filter((found) => found.mark.host !== mark.host);
  if (!other.length) return;
  const kind = mark.host ? "dynamic" : "native";
  throw new Error(
    `configuration ${other.map(({ configuration }) => configuration.id).join(", ")} carries the mark of "${mark.resource}" of this stack written by its ${kind} resource, ` +
      "which the stack's state may still hold: nothing was created or taken over. If the state holds it (pulumi stack export), it is that resource's: " +
      "a stack moves between the dynamic and the native resource with telephony-config migrate --stack <stack>, never by switching telephony:plugin alone, " +
      "and a resource migrate moved is replaced by a change its diff shows, not by pulumi up --replace. If no resource holds it, a create whose answer " +
      "was lost left it behind before the move: delete it, then run pulumi up again.",
  );
}

/**
 * The configurations a create whose answer was lost (`lost`) made after all: found by its own nonce,
 * which nothing else can carry. Stored or not is found out before anything else: repeating the POST
 * could make a duplicate.
 */
async function madeAnyway(lost: Error, mark: Mark, ctx: CreateOnceContext): Promise<Configuration[]> {
  let after: Configuration[];
  try {
    after = await ctx.client.list();
  } catch (listError) {
    throw new Error(
      `${lost.message}. Listing the configurations to find out failed too (${(listError as Error).message}); ` +
        "the next `pulumi up` looks for it before creating anything",
      { cause: listError },
    );
  }
  const found = after.filter((c) => markValueOf(c.meta_json) === markValue(mark));
  if (!found.length) {
    throw new Error(
      `${lost.message}. It is not among the organization's configurations yet, so it was probably not created; ` +
        "the next `pulumi up` looks for it before creating it",
    );
  }
  return found;
}

function takeOver(
  found: Configuration[],
  body: CreateConfigurationInput,
  ctx: CreateOnceContext,
  what: string,
): Configuration {
  if (found.length > 1) {
    const ids = found.map((c) => c.id).join(", ");
    throw new Error(
      `${found.length} live configurations (ids ${ids}) carry the mark of "${body.name}" and are exactly what it would be, ` +
        "so it was not created and none was taken over. Adopt the right one with `import: <id>` (importId in code) and delete the others.",
    );
  }
  const [match] = found as [Configuration];
  ctx.hold(match.id);
  ctx.notice(`took over configuration ${match.id} ("${match.name}"), which ${what}; nothing was created twice`);
  return match;
}

/**
 * A create of this resource by an earlier run that its state never recorded (the run was cut off, or
 * its answer lost), made from an earlier declaration: marked by this stack and resource, as this kind
 * of resource, held by no resource. Taken over and PATCHed to what is declared now (a secret the
 * declaration leaves out is neither compared nor sent); creating another would leave it behind, a
 * duplicate. What only a new configuration can change (provider, meta) is refused, and so are several.
 * `pulumi up --replace` without --refresh lands here too (the engine neither diffs nor reads what it
 * replaces, so the runtime cannot tell it from a run cut off): the configuration it would replace is
 * kept, brought to the declaration in place, its secrets with it, rather than replaced by one without.
 */
async function takeOverChanged(
  found: Configuration[],
  inputs: ConfigurationInputs,
  ctx: CreateOnceContext,
): Promise<Configuration> {
  if (found.length > 1) {
    throw new Error(
      `${found.length} live configurations (ids ${found.map((c) => c.id).join(", ")}) carry the mark of "${inputs.name}", ` +
        "created by earlier runs whose state never recorded them, and none is what it declares now: nothing was created and none was taken over. " +
        "Adopt the right one with `import: <id>` (importId in code) and delete the others.",
    );
  }
  const [live] = found as [Configuration];
  const replaces = replacementsFor(toOutputs(live), inputs);
  if (replaces.length) {
    const fields = replaces.join(" and ");
    throw new Error(
      `configuration ${live.id} ("${live.name}") carries the mark of "${inputs.name}", held by no resource: a create of an earlier run whose state ` +
        `never recorded it (cut off, or its answer lost), or the configuration pulumi up --replace replaces. Its ${fields} differ from the declaration, ` +
        `and only a new configuration could change them: nothing was created, which would leave it behind. Declare its ${fields} as it has ` +
        "them to take it over; or, if nothing in it is needed (it may hold the only live copy of a secret the declaration leaves out), delete it. " +
        "Then run pulumi up again.",
    );
  }
  ctx.hold(live.id);
  const patch = patchFor(toOutputs(live), inputs);
  const updated = Object.keys(patch).length ? await ctx.client.update(live.id, patch) : live;
  ctx.notice(
    `took over configuration ${live.id} ("${live.name}"), which this resource created in an earlier run whose state never recorded it, ` +
      `${Object.keys(patch).length ? "and updated it to the declaration" : "as declared"}; nothing was created twice`,
  );
  return updated;
}
