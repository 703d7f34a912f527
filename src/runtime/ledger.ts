// What one operation learns about its configurations, shared by the calls for all its resources: the
// engine serves every resource of an operation from one provider, configured once before it starts.
import type { Configuration } from "../client/contract.js";
import type { ConfigurationOutputs, Owner } from "../model/index.js";
import { Listing } from "./listing.js";

/** The configuration a resource with state holds, as its diff showed it. */
export interface Held {
  id: string;
  state: ConfigurationOutputs;
}

const ownerKey = (owner: Owner) => JSON.stringify([owner.stack, owner.resource]);

export class Ledger {
  /** Each organization's configurations, listed and indexed once in the operation (again after a failure). */
  private readonly lists = new Map<string, Promise<Listing>>();
  /**
   * Which resources of this stack hold each configuration id, as this operation has shown them: every
   * diff, read and update names the id and the resource's `instance` (set when a resource creates,
   * adopts or takes over a configuration). A configuration is never taken over while a resource holds
   * it, and never deleted for one resource while another holds it.
   */
  private readonly holders = new Map<number, Set<string | undefined>>();
  /** The key of the resource whose diff showed it holds each id: an import of one is refused at check. */
  private readonly holderKeys = new Map<number, string>();
  /**
   * What each resource with state holds, by owner. The engine creates a resource that has state only
   * to replace it: then `import` is not read, and the secrets the declaration leaves out are carried
   * over from the configuration being replaced.
   */
  private readonly replacing = new Map<string, Held>();
  /** Resources (by owner) the engine checked in this operation, still declared, and those it created since. */
  private readonly checkedOwners = new Set<string>();
  private readonly createdOwners = new Set<string>();
  /**
   * Ids this operation saw live elsewhere than in its lists (a create's answer, a GET): one may be younger
   * than the operation's list, so a 404 for it is checked against a fresh list, never that one.
   */
  private readonly seenLive = new Set<number>();
  /** Ids this operation has proved gone: the API's own 404, confirmed by the organization's list. */
  private readonly gone = new Set<number>();

  list(orgHandle: string, fetch: () => Promise<Configuration[]>): Promise<Listing> {
    let list = this.lists.get(orgHandle);
    if (!list) {
      list = fetch()
        .then((configurations) => new Listing(configurations))
        .catch((error: unknown) => {
          this.lists.delete(orgHandle);
          throw error;
        });
      this.lists.set(orgHandle, list);
    }
    return list;
  }

  hold(id: number, instance: string | undefined): void {
    const set = this.holders.get(id) ?? new Set();
    set.add(instance);
    this.holders.set(id, set);
  }

  isHeld(id: number): boolean {
    return this.holders.has(id);
  }

  /** Whether a resource other than `instance` holds the id (one that took it over under a new key). */
  isHeldByAnother(id: number, instance: string | undefined): boolean {
    return [...(this.holders.get(id) ?? [])].some((holder) => holder !== instance);
  }

  /** A diff showed that `owner` has state holding `held`. */
  heldByOwner(owner: Owner, held: Held): void {
    this.replacing.set(ownerKey(owner), held);
    this.holderKeys.set(Number(held.id), owner.resource);
  }

  /** The resource key whose state holds the id, as its diff showed it. */
  holderKeyOf(id: number): string | undefined {
    return this.holderKeys.get(id);
  }

  /** What `owner` holds already: a create for it is a replacement. */
  replacedBy(owner: Owner): Held | undefined {
    return this.replacing.get(ownerKey(owner));
  }

  /** The engine checked `owner`'s inputs: it is still declared. */
  checked(owner: Owner): void {
    this.checkedOwners.add(ownerKey(owner));
  }

  createdFor(owner: Owner): void {
    this.createdOwners.add(ownerKey(owner));
  }

  /** Still declared and not created again in this operation: a delete of what it holds would come first. */
  isDeclaredUncreated(owner: Owner): boolean {
    return this.checkedOwners.has(ownerKey(owner)) && !this.createdOwners.has(ownerKey(owner));
  }

  sawLive(id: number): void {
    this.seenLive.add(id);
  }

  wasSeenLive(id: number): boolean {
    return this.seenLive.has(id);
  }

  markGone(id: number): void {
    this.gone.add(id);
  }

  isGone(id: number): boolean {
    return this.gone.has(id);
  }

  /** Held by a resource of this stack, or gone: never to be taken over by a create. */
  isKnown(id: number): boolean {
    return this.holders.has(id) || this.gone.has(id);
  }
}
