// Creates a configuration exactly once, across lost answers and across runs. The API has no
// idempotency key, so a create whose answer never arrived (a reset, a timeout, a gateway's 502 page)
// is found again by content: a live configuration that is exactly what the POST would have made.
import type { TelephonyClient } from "../client/client.js";
import type { CreateConfigurationInput, ProviderConfiguration } from "../client/contract.js";
import { isOutcomeUnknown } from "../client/errors.js";
import { isCreatedFrom } from "./mapping.js";

export interface CreateOnceContext {
  /** Acting in the organization to create in: its list holds that organization's configurations only. */
  client: TelephonyClient;
  /**
   * The organization's configurations as they were before this run created anything: listed once,
   * on the first create, and shared by every create of the run.
   */
  before(): Promise<ProviderConfiguration[]>;
  /** Whether a resource of this stack is known to hold the id: never taken over by another one. */
  isKnown(id: number): boolean;
  /** Records that this resource holds the id, before any other create of the run can look. */
  claim(id: number): void;
  /** Says something in the output of the Pulumi operation. */
  notice(message: string): void;
}

export async function createOnce(body: CreateConfigurationInput, ctx: CreateOnceContext): Promise<ProviderConfiguration> {
  const candidates = (list: ProviderConfiguration[]) =>
    list.filter((c) => !ctx.isKnown(c.id) && isCreatedFrom(body, c));

  // A create of an earlier run whose answer was lost left this configuration behind: take it over.
  let before: ProviderConfiguration[];
  try {
    before = await ctx.before();
  } catch (error) {
    throw new Error(
      `could not check whether "${body.name}" was already created by an earlier run whose answer was lost, ` +
        `so it was not created: ${(error as Error).message}`,
    );
  }
  const earlier = candidates(before);
  if (earlier.length) {
    return takeOver(earlier, body, ctx, "is exactly what this declaration creates (left by an earlier run whose answer was lost, or held by this stack under another name)");
  }

  let created: ProviderConfiguration;
  try {
    created = await ctx.client.create(body);
  } catch (error) {
    if (!isOutcomeUnknown(error)) throw error;
    // Stored or not? Find out before anything else: repeating the POST could make a duplicate.
    let after: ProviderConfiguration[];
    try {
      after = await ctx.client.list();
    } catch (listError) {
      throw new Error(
        `${(error as Error).message}. Listing the configurations to find out failed too (${(listError as Error).message}); ` +
          "the next `pulumi up` looks for it before creating anything",
      );
    }
    const found = candidates(after);
    if (!found.length) {
      throw new Error(
        `${(error as Error).message}. It is not among the organization's configurations yet, so it was probably not created; ` +
          "the next `pulumi up` looks for it before creating it",
      );
    }
    return takeOver(found, body, ctx, "was created although the answer to the create was lost");
  }
  ctx.claim(created.id);
  return created;
}

function takeOver(found: ProviderConfiguration[], body: CreateConfigurationInput, ctx: CreateOnceContext, how: string): ProviderConfiguration {
  if (found.length > 1) {
    const ids = found.map((c) => c.id).join(", ");
    throw new Error(
      `${found.length} live configurations (ids ${ids}) are exactly what "${body.name}" would be, so it was not created ` +
        `and none was taken over. Adopt the right one with \`import: <id>\` (importId in code) and delete the others.`,
    );
  }
  const [match] = found as [ProviderConfiguration];
  ctx.claim(match.id);
  ctx.notice(`took over configuration ${match.id} ("${match.name}"), which ${how}; nothing was created twice`);
  return match;
}
