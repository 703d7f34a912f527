import type { IncomingMessage } from "node:http";
import type { DocumentedOperation } from "./openapi.js";
import { HttpError } from "./reply.js";

/**
 * The organization a request acts in, from `Org-Handle` and `Product-ID` as the operation requires
 * them: 400 for a header missing or sent empty, or a Product-ID that is not an integer; 403 for an
 * organization the token may not access. Undefined when a list names no organization.
 */
export function organization(
  req: IncomingMessage,
  orgs: string[],
  requires: DocumentedOperation["requires"],
): string | undefined {
  const org = header(req, "org-handle");
  if (org === "") throw new HttpError(400, "The Org-Handle header is empty.");
  if (requires.orgHandle && org === undefined) throw new HttpError(400, "The Org-Handle header is required.");
  const product = header(req, "product-id");
  if (requires.productId && !product) throw new HttpError(400, "The Product-ID header is required.");
  if (product !== undefined && !/^\d+$/.test(product))
    throw new HttpError(400, "The Product-ID header must be an integer.");
  if (org !== undefined && !orgs.includes(org)) throw new HttpError(403, `No access to organization ${org}.`);
  return org;
}

/** The header's value, trimmed; "" when it is sent empty, undefined when it is not sent. */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim();
}
