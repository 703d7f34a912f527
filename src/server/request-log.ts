import type { FaultKind } from "./faults.js";

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  /** Set for requests that carried a JSON body: its top-level keys, never its values. */
  bodyKeys?: string[];
  /** Set when the request was carried out but its answer was lost on purpose (`status` is what it would have been). */
  fault?: FaultKind;
}

/** Keeps every entry and hands it to `onRequest`, whose failure never fails a request that was carried out. */
export function requestLog(onRequest: ((entry: RequestLogEntry) => void) | undefined) {
  const entries: RequestLogEntry[] = [];
  let failed = false;
  const log = (entry: RequestLogEntry): void => {
    entries.push(entry);
    try {
      onRequest?.(entry);
    } catch (error) {
      if (!failed) console.error(`telephony-config serve: cannot write the request log: ${(error as Error).message}`);
      failed = true;
    }
  };
  return { entries, log };
}
