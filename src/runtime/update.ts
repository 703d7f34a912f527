// An update: PATCHes what the declaration changes, and records the API's address once the
// configuration there is proved to be the one the state holds.
import { patchFor, toOutputs, type ConfigurationInputs, type ConfigurationOutputs } from "../model/index.js";
import { apiRelation } from "./identity.js";
import { ownedLive } from "./live.js";
import type { Operation } from "./operation.js";
import { identified, managedOnly, secretsOf, withSecrets, type Outputs } from "./outputs.js";

export async function update(
  op: Operation,
  id: string,
  olds: ConfigurationOutputs,
  news: ConfigurationInputs,
): Promise<Outputs> {
  return op.guarded(secretsOf(olds, news), async () => withSecrets(await updated(op, id, olds, news)));
}

async function updated(
  op: Operation,
  id: string,
  olds: ConfigurationOutputs,
  news: ConfigurationInputs,
): Promise<ConfigurationOutputs> {
  op.ledger.hold(Number(id), olds.instance);
  const client = op.apiFor(id, olds);
  const patch = patchFor(olds, news);
  // Recording the API's address (a new one, or the first): the configuration there must be the one last seen.
  const moved = olds.apiUrl === undefined || apiRelation(olds.apiUrl, op.configured()) === "moved";
  if (!Object.keys(patch).length && !moved) return managedOnly(olds, news);
  if (!(await ownedLive(op, client, id, olds, { strict: moved }))) {
    throw new Error(
      `configuration ${id} ("${olds.name}") was deleted out of band: run pulumi up --refresh to create it again`,
    );
  }
  if (!Object.keys(patch).length) return { ...managedOnly(olds, news), apiUrl: op.here() };
  return identified(op, toOutputs(await client.update(Number(id), patch), news), op.orgOf(olds), olds.instance);
}
