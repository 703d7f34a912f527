// Reading a configuration before anything is written to it: what the API says is there, proved to be
// the one a resource holds, or proved gone. A 404 alone proves nothing: a proxy or a wrong base path
// answers one too.
import type { TelephonyClient } from "../client/client.js";
import type { Configuration } from "../client/contract.js";
import { isNotFound } from "../client/errors.js";
import type { ConfigurationOutputs } from "../model/index.js";
import { strangerReason } from "./identity.js";
import type { Operation } from "./operation.js";

/**
 * Whether `error` proves the configuration gone: the API's own 404 (its envelope), and the
 * organization's list, at the same base URL, answering without it. A wrong base path that the API's
 * framework answers with its own 404, or an item URL routed elsewhere, fails here instead. For an id
 * not seen live in this operation, the operation's list of organization `listedIn`, taken before that
 * 404, proves it when it lacks the id already: a stack's state holds ids from its earlier operations,
 * older than that list. An id the list holds (deleted since?), or one seen live since (created after
 * the list), is listed again. An operation over many configurations deleted out of band then lists
 * each organization once, not once per configuration.
 */
export async function confirmedGone(
  op: Operation,
  client: TelephonyClient,
  id: number,
  error: unknown,
  listedIn?: string,
): Promise<boolean> {
  if (!isNotFound(error)) return false;
  const said = (error as Error).message;
  let listed: boolean;
  try {
    // Absent from the operation's list already: gone before that 404. Otherwise a list now decides.
    const before = listedIn === undefined ? undefined : await op.listed(listedIn);
    listed = before && !before.byId(id) && !op.ledger.wasSeenLive(id) ? false : await isListed(client, id);
  } catch (listError) {
    throw new Error(
      `${said}; the list that would confirm it is gone failed too, so it is not taken as deleted: ${(listError as Error).message}`,
      { cause: listError },
    );
  }
  if (listed) {
    throw new Error(
      `${said}, yet configuration ${id} is in the organization's list: the item URL reaches something other than the API (a proxy or a wrong base path)`,
    );
  }
  op.ledger.markGone(id);
  return true;
}

const isListed = async (client: TelephonyClient, id: number) => (await client.list()).some((c) => c.id === id);

/** The configuration at `id`; undefined when the API proves it gone (its own 404, confirmed by its list). */
export async function fetched(
  op: Operation,
  client: TelephonyClient,
  orgHandle: string,
  id: string,
): Promise<Configuration | undefined> {
  try {
    const live = await client.get(Number(id));
    op.ledger.sawLive(live.id);
    return live;
  } catch (error) {
    if (await confirmedGone(op, client, Number(id), error, orgHandle)) return undefined;
    throw error;
  }
}

/** Refuses a live configuration at `id` that is not the one `state` holds: nothing is written to it. */
export function refuseStranger(
  op: Operation,
  id: string,
  state: Partial<ConfigurationOutputs>,
  live: Configuration,
  strict = false,
): void {
  // State of a release that did not record the API may be reached through another one: every field counts.
  const why = strangerReason(state, live, strict || state.apiUrl === undefined);
  if (!why) return;
  const earlier =
    state.apiUrl === undefined
      ? "Its state comes from an earlier release, which did not record the API it lives at: if telephony:apiUrl changed since that release's last up, set it back; " +
        "if the configuration was changed by hand since, drop the resource from the state (pulumi state delete) and adopt it again with `import`."
      : "If the configuration this resource held was deleted and its id now names another, drop the resource from the state (pulumi state delete) and run pulumi up.";
  throw new Error(
    `configuration ${id} in organization ${op.orgOf(state)} at ${op.here()} is not the one "${state.name}" holds: ${why}. Nothing was written to it. ${earlier}`,
  );
}

/**
 * The live configuration at `id`, proved to be the one `state` holds before anything is written to it;
 * undefined when the API proves it gone. The operation's list serves every write in an organization,
 * so writes cost one request more per organization and operation, not one per configuration; an id
 * the list does not hold, or any when `fresh` (its secrets as they are now), is fetched. `strict` (a new
 * address of the API being recorded) also wants the fields last seen on a configuration without a mark.
 */
export async function ownedLive(
  op: Operation,
  client: TelephonyClient,
  id: string,
  state: Partial<ConfigurationOutputs>,
  { strict = false, fresh = false } = {},
): Promise<Configuration | undefined> {
  const listed = fresh ? undefined : (await op.listed(op.orgOf(state))).byId(Number(id));
  const live = listed ?? (await fetched(op, client, op.orgOf(state), id));
  if (live) refuseStranger(op, id, state, live, strict);
  return live;
}
