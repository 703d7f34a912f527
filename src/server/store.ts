import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { ProviderConfiguration } from "../client/contract.js";

/** What the server keeps; `provider_details` is computed from the catalogue when answering. */
export type StoredConfiguration = Omit<ProviderConfiguration, "provider_details">;

export interface Store {
  all(): StoredConfiguration[];
  get(id: number): StoredConfiguration | undefined;
  /** Assigns the id; the object is stored (durably, where the store is) when this returns. */
  insert(config: Omit<StoredConfiguration, "id">): StoredConfiguration;
  replace(config: StoredConfiguration): void;
  delete(id: number): boolean;
  close(): void;
}

export class MemoryStore implements Store {
  protected readonly items = new Map<number, StoredConfiguration>();
  protected nextId = 1;

  all(): StoredConfiguration[] {
    return [...this.items.values()];
  }
  get(id: number): StoredConfiguration | undefined {
    return this.items.get(id);
  }
  // Each write is persisted before memory changes: a write that could not be persisted fails, and is
  // not served afterwards as if it had been stored.
  insert(config: Omit<StoredConfiguration, "id">): StoredConfiguration {
    const stored = { id: this.nextId, ...config };
    this.persist({ put: stored, next_id: stored.id + 1 });
    this.nextId = stored.id + 1;
    this.items.set(stored.id, stored);
    return stored;
  }
  replace(config: StoredConfiguration): void {
    this.persist({ put: config });
    this.items.set(config.id, config);
  }
  delete(id: number): boolean {
    if (!this.items.has(id)) return false;
    this.persist({ delete: id });
    this.items.delete(id);
    return true;
  }
  close(): void {}
  protected persist(_entry: LogEntry): void {}
}

type LogEntry = { put: StoredConfiguration; next_id?: number } | { delete: number } | { next_id: number };

/**
 * Keeps configurations in an append-only JSON-lines log, fsynced before a write is acknowledged.
 * Why a log rather than node:sqlite or a JSON snapshot per write: node:sqlite is still experimental
 * and warns on every start, and rewriting a whole snapshot makes each write cost the size of the
 * store; an append costs one line and one fsync. On open, the log is replayed (a torn last line,
 * from a write that was never acknowledged, is dropped) and compacted by write-then-rename.
 */
export class FileStore extends MemoryStore {
  readonly #path: string;
  #fd: number;

  constructor(path: string) {
    super();
    this.#path = path;
    if (existsSync(path)) this.#replay(readFileSync(path, "utf8"));
    this.#compact();
    this.#fd = openSync(path, "a");
  }

  protected override persist(entry: LogEntry): void {
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.#fd);
  }

  override close(): void {
    closeSync(this.#fd);
  }

  #replay(text: string): void {
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let entry: LogEntry;
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch (error) {
        if (i >= lines.length - 2) return; // torn final write
        throw new Error(`${this.#path}:${i + 1}: not a store entry: ${(error as Error).message}`);
      }
      if ("put" in entry) this.items.set(entry.put.id, entry.put);
      if ("delete" in entry) this.items.delete(entry.delete);
      if ("next_id" in entry && entry.next_id !== undefined) this.nextId = Math.max(this.nextId, entry.next_id);
    });
    for (const id of this.items.keys()) this.nextId = Math.max(this.nextId, id + 1);
  }

  #compact(): void {
    const tmp = `${this.#path}.tmp`;
    const fd = openSync(tmp, "w");
    writeSync(fd, `${JSON.stringify({ next_id: this.nextId })}\n`);
    for (const item of this.items.values()) writeSync(fd, `${JSON.stringify({ put: item })}\n`);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.#path);
    const dir = openSync(dirname(this.#path), "r");
    fsyncSync(dir);
    closeSync(dir);
  }
}
