import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Configuration } from "../client/contract.js";

/** What the server keeps; `provider_details` is computed from the catalogue when answering. */
export type StoredConfiguration = Omit<Configuration, "provider_details">;

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
  readonly #lock: string;
  #fd: number;

  constructor(path: string) {
    super();
    // The file itself, through any link: one lock per file, and compaction replaces the file, not a link.
    this.#path = existsSync(path) ? realpathSync(path) : join(realpathSync(dirname(path)), basename(path));
    this.#lock = `${this.#path}.lock`;
    takeLock(this.#lock, path);
    try {
      if (existsSync(this.#path)) this.#replay(readFileSync(this.#path, "utf8"));
      this.#compact();
      // It holds secrets in plain text: readable by its owner only.
      this.#fd = openSync(this.#path, "a", 0o600);
    } catch (error) {
      unlinkSync(this.#lock);
      throw error;
    }
  }

  protected override persist(entry: LogEntry): void {
    writeAll(this.#fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.#fd);
  }

  override close(): void {
    closeSync(this.#fd);
    unlinkSync(this.#lock);
  }

  #replay(text: string): void {
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let entry: LogEntry;
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch {
        if (i >= lines.length - 2) return; // torn final write
        // Not the parser's message: it quotes the line, which may hold a secret.
        throw new Error(`${this.#path}:${i + 1}: not a store entry (not valid JSON)`);
      }
      if ("put" in entry) this.items.set(entry.put.id, entry.put);
      if ("delete" in entry) this.items.delete(entry.delete);
      if ("next_id" in entry && entry.next_id !== undefined) this.nextId = Math.max(this.nextId, entry.next_id);
    });
    for (const id of this.items.keys()) this.nextId = Math.max(this.nextId, id + 1);
  }

  #compact(): void {
    // A fresh name, created exclusively and never through a link: nothing planted beside the file is
    // followed or overwritten.
    const tmp = `${this.#path}.${randomBytes(8).toString("hex")}.tmp`;
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeAll(fd, `${JSON.stringify({ next_id: this.nextId })}\n`);
      for (const item of this.items.values()) writeAll(fd, `${JSON.stringify({ put: item })}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#path);
    const dir = openSync(dirname(this.#path), "r");
    fsyncSync(dir);
    closeSync(dir);
  }
}

/** writeSync may write less than asked: go on until all of it is written. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
}

/**
 * One server per data file: two would both hand out the same ids and lose each other's writes. The
 * lock file names its owner's pid and is made with link(), which fails when it exists. A lock whose
 * owner is gone is moved aside and taken; if what was moved aside turns out to be a live owner's (it
 * was taken meanwhile), it is put back and this server refuses.
 */
function takeLock(lock: string, path: string): void {
  const mine = `${lock}.${process.pid}.${randomBytes(6).toString("hex")}`;
  writeFileSync(mine, String(process.pid), { flag: "wx", mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, lock);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const owner = readOwner(lock);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
        throw inUse(path, owner);
      }
      const aside = `${lock}.stale.${randomBytes(6).toString("hex")}`;
      try {
        renameSync(lock, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // moved by another server
        throw error;
      }
      const moved = readOwner(aside);
      if (moved !== owner && moved !== undefined && isAlive(moved)) {
        try {
          linkSync(aside, lock);
        } finally {
          unlinkSync(aside);
        }
        throw inUse(path, moved);
      }
      unlinkSync(aside);
    }
    throw new Error(`could not lock ${path}: another server keeps taking it`);
  } finally {
    unlinkSync(mine);
  }
}

const inUse = (path: string, pid: number) =>
  new Error(`${path} is in use by another telephony-config serve (pid ${pid}); stop it, or use another --data file`);

function readOwner(lock: string): number | undefined {
  try {
    return Number(readFileSync(lock, "utf8")) || undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
