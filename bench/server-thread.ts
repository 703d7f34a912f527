import { once } from "node:events";
import { Worker } from "node:worker_threads";

export interface ServerThread {
  url: string;
  ask<T>(question: "connections" | "requests" | "refused"): Promise<T>;
  close(): Promise<void>;
}

/**
 * The local API server on a thread of its own; `rateLimit` as `serve --rate-limit`; `orgs`, the
 * organizations the token "bench-token" may access.
 */
export async function startServerThread(
  rateLimit?: { rate: number; burst: number },
  orgs = ["bench-org"],
): Promise<ServerThread> {
  const worker = new Worker(new URL("./server-worker.js", import.meta.url), { workerData: { rateLimit, orgs } });
  const [{ url }] = (await once(worker, "message")) as [{ url: string }];
  return {
    url,
    async ask<T>(question: string) {
      worker.postMessage(question);
      const [answer] = (await once(worker, "message")) as [Record<string, T>];
      return answer[question]!;
    },
    async close() {
      worker.postMessage("close");
      await once(worker, "exit");
    },
  };
}
