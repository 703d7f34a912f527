import type { Operation, Configuration } from "../client/contract.js";
import { PROVIDER_CATALOGUE } from "./catalogue.js";
import { fieldErrors } from "./field-errors.js";
import type { DocumentedOperation } from "./openapi.js";
import { HttpError, type Reply } from "./reply.js";
import type { Store, StoredConfiguration } from "./store.js";

/** A request let in: authenticated, its organization headers as its operation requires them. */
export interface OperationRequest {
  operation: DocumentedOperation;
  params: Record<string, string>;
  /** The organization of `Org-Handle`; undefined only for a list that names none. */
  org: string | undefined;
  /** The organizations the token may access. */
  orgs: string[];
  body(): unknown;
}

export interface HandlerContext {
  store: Store;
  createStatus: 200 | 201;
}

type Handler = (request: OperationRequest, context: HandlerContext) => Reply;

/** One spelling per id: `/01/` is not configuration 1 (api/openapi.yaml: a 404). */
const ID = /^[1-9][0-9]*$/;

/** The handler of each operation of api/openapi.yaml, by its operationId. */
export const HANDLERS: Record<Operation, Handler> = {
  list({ org, orgs }, { store }) {
    const visible = org ? [org] : orgs;
    const data = store
      .all()
      .filter((c) => visible.includes(c.org_handle))
      .map(present);
    return { status: 200, message: "Provider configurations fetched", data };
  },

  create(request, { store, createStatus }) {
    const body = validBody(request) as { provider: number } & Omit<StoredConfiguration, "id" | "org_handle">;
    if (!PROVIDER_CATALOGUE.has(body.provider)) {
      throw new HttpError(400, "Invalid provider configuration.", {
        provider: [`unknown provider id ${body.provider}`],
      });
    }
    const stored = store.insert({
      name: body.name,
      provider: body.provider,
      org_handle: request.org!,
      meta_json: body.meta_json ?? [],
      active: body.active ?? true,
      api_key: body.api_key ?? "",
      api_secret: body.api_secret ?? "",
      base_url: body.base_url ?? null,
      sip_url: body.sip_url ?? "",
    });
    return { status: createStatus, message: "Provider configuration created", data: present(stored) };
  },

  get(request, { store }) {
    return { status: 200, message: "Provider configuration fetched", data: present(find(request, store)) };
  },

  update(request, { store }) {
    const found = find(request, store);
    const updated = { ...found, ...(validBody(request) as Partial<StoredConfiguration>) };
    store.replace(updated);
    return { status: 200, message: "Provider configuration updated", data: present(updated) };
  },

  delete(request, { store }) {
    store.delete(find(request, store).id);
    return { status: 204, message: "Provider configuration deleted" };
  },
};

/** The configuration of the path's id in the request's organization, else 404. */
function find({ params, org }: OperationRequest, store: Store): StoredConfiguration {
  const id = ID.test(params.id!) ? Number(params.id) : NaN;
  const found = store.get(id);
  if (!found || found.org_handle !== org) throw new HttpError(404, `provider configuration ${params.id} not found`);
  return found;
}

/** The body, valid against the operation's schema in api/openapi.yaml, else 400 with reasons per field. */
function validBody({ operation, body }: OperationRequest): unknown {
  const value = body();
  const validate = operation.validateBody!;
  if (!validate(value)) throw new HttpError(400, "Invalid provider configuration.", fieldErrors(validate.errors));
  return value;
}

function present(c: StoredConfiguration): Configuration {
  return {
    id: c.id,
    name: c.name,
    provider: c.provider,
    provider_details: PROVIDER_CATALOGUE.get(c.provider) ?? null,
    org_handle: c.org_handle,
    meta_json: c.meta_json,
    active: c.active,
    api_key: c.api_key,
    api_secret: c.api_secret,
    base_url: c.base_url,
    sip_url: c.sip_url,
  };
}
