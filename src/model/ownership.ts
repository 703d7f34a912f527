// Which stack and resource created a configuration, written into the API's own data. The API has no
// owner field and meta_json cannot be PATCHed, so the mark is one meta_json entry, set by the create
// and never changed: every later reader (this stack, another stack, drift) can tell whose it is.
import type { MetaEntry } from "../client/contract.js";

/** The meta_json key of the mark. Reserved: a declaration cannot use it. */
export const OWNER_META_KEY = "telephony-config:owner";

/** Who holds a configuration: the Pulumi stack (`project/stack`) and the resource's key in it. */
export interface Owner {
  stack: string;
  resource: string;
  /** Names the resource had before (its aliases): its configuration may carry one of them. */
  formerly?: string[];
  /**
   * The native plugin's resource (absent: the dynamic one's). Its creates' marks say so, so that one
   * kind of resource never takes over what the other kind of the same key created and may still hold.
   */
  host?: "native";
}

/** An owner and the one create that made the configuration (a random nonce). */
export interface Mark extends Owner {
  create: string;
}

/** The meta_value of a mark: a small JSON object, readable in the vendor's console. */
export const markValue = (mark: Mark): string =>
  JSON.stringify({
    stack: mark.stack,
    resource: mark.resource,
    create: mark.create,
    ...(mark.host ? { host: mark.host } : {}),
  });

export const markEntry = (mark: Mark): MetaEntry => ({ meta_key: OWNER_META_KEY, meta_value: markValue(mark) });

/** The mark a value holds; undefined for anything that is not one (never an error: it is someone's data). */
export function parseMark(value: string | undefined): Mark | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<Mark> | null;
    if (
      parsed &&
      typeof parsed.stack === "string" &&
      typeof parsed.resource === "string" &&
      typeof parsed.create === "string"
    ) {
      const mark: Mark = { stack: parsed.stack, resource: parsed.resource, create: parsed.create };
      return parsed.host === "native" ? { ...mark, host: "native" } : mark;
    }
  } catch {
    // not a mark
  }
  return undefined;
}

/** The raw mark value a configuration carries, if any. */
export const markValueOf = (meta: MetaEntry[] | undefined): string | undefined =>
  meta?.find((e) => e.meta_key === OWNER_META_KEY)?.meta_value;

/** The mark a configuration carries, if it carries a well-formed one. */
export const markOf = (meta: MetaEntry[] | undefined): Mark | undefined => parseMark(markValueOf(meta));

/** meta_json without the mark: what a user declares and sees. */
export const withoutMark = (meta: MetaEntry[] | undefined): MetaEntry[] =>
  (meta ?? []).filter((e) => e.meta_key !== OWNER_META_KEY);

/** `project/stack`, as a mark names a stack. */
export const stackId = (project: string, stack: string): string => `${project}/${stack}`;

export const describeOwner = (owner: Owner): string => `resource "${owner.resource}" of stack ${owner.stack}`;
