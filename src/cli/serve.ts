import { appendFileSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { FAULT_KINDS, type FaultKind } from "../server/faults.js";
import { startApiServer, type RunningServer } from "../server/server.js";
import { FileStore, MemoryStore } from "../server/store.js";
import { UsageError } from "./usage-error.js";

export const SERVE_HELP = `Usage: telephony-config serve [options]

Runs the Provider Configurations API locally, as api/openapi.yaml (OpenAPI 3.1,
in this package) fixes it. The first line on stdout is the base URL.

Exit codes: 0 stopped by SIGINT or SIGTERM (Ctrl-C), 1 error (a bad option, an address in use, a
--data file it cannot read or write).

Options:
  --host HOST            address to listen on (default 127.0.0.1)
  --port PORT            port; 0 picks a free one (default 8080)
  --token-file FILE      read the API token to accept from FILE
  --token TOKEN          the API token on the command line, where every user's ps shows it (a warning)
                         Without either: TELEPHONY_API_TOKEN, else dev-token
  --org HANDLE           organization that token may access; repeatable (default dev-org)
  --data FILE            keep configurations in FILE across restarts (default: memory only)
  --request-log FILE     append one JSON line per request (method, path, status)
  --latency MS           add MS milliseconds before every answer
  --fault KIND=FRACTION  meet that fraction of requests with KIND; repeatable. Before the request is
                         carried out: 429, 500, 503, drop (close unanswered). After it: lost (close
                         unanswered), gateway (answer 502 with an HTML page)
  --create-status CODE   answer create with 200 or 201 (default 201)
  --rate-limit N[:BURST] take N requests per second, in bursts of BURST (default 2×N); past that,
                         answer 429 with Retry-After
  -h, --help             show this help

Example:
  telephony-config serve --port 0 --data ./telephony-api.jsonl --fault 503=0.1`;

export async function serve(argv: string[]): Promise<RunningServer> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8080" },
      token: { type: "string" },
      "token-file": { type: "string" },
      org: { type: "string", multiple: true },
      data: { type: "string" },
      "request-log": { type: "string" },
      latency: { type: "string", default: "0" },
      fault: { type: "string", multiple: true },
      "create-status": { type: "string", default: "201" },
      "rate-limit": { type: "string" },
    },
    strict: true,
  });
  const port = integer("--port", values.port);
  const latencyMs = integer("--latency", values.latency);
  const createStatus = integer("--create-status", values["create-status"]);
  if (createStatus !== 200 && createStatus !== 201) throw new UsageError("--create-status must be 200 or 201");
  const rates: Partial<Record<FaultKind, number>> = {};
  for (const spec of values.fault ?? []) {
    const [kind, fraction] = spec.split("=");
    const rate = Number(fraction);
    if (!FAULT_KINDS.includes(kind as FaultKind) || !(rate >= 0 && rate <= 1)) {
      throw new UsageError(
        `--fault ${spec}: expected KIND=FRACTION with KIND one of ${FAULT_KINDS.join(", ")} and 0 <= FRACTION <= 1`,
      );
    }
    rates[kind as FaultKind] = rate;
  }
  let rateLimit: { rate: number; burst: number } | undefined;
  if (values["rate-limit"] !== undefined) {
    const match = /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(values["rate-limit"]);
    const rate = Number(match?.[1]);
    if (!match || !(rate > 0))
      throw new UsageError(
        `--rate-limit ${values["rate-limit"]}: expected N or N:BURST, requests per second and a burst, e.g. 5:10`,
      );
    rateLimit = { rate, burst: match[2] ? Math.max(1, Number(match[2])) : Math.max(1, Math.ceil(rate * 2)) };
  }
  const logFile = values["request-log"];
  if (logFile) {
    // Refused at start rather than found out on the first request.
    try {
      appendFileSync(logFile, "");
    } catch (error) {
      throw new UsageError(
        `--request-log ${logFile}: cannot write to it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }
  const token = apiToken(values["token-file"], values.token, process.env);
  return startApiServer({
    host: values.host,
    port,
    tokens: { [token]: values.org ?? ["dev-org"] },
    store: values.data ? new FileStore(values.data) : new MemoryStore(),
    faults: { latencyMs, rates },
    createStatus,
    ...(rateLimit ? { rateLimit } : {}),
    ...(logFile ? { onRequest: (entry) => appendFileSync(logFile, `${JSON.stringify(entry)}\n`) } : {}),
  });
}

/** The token to accept, from a file, the command line (with a warning), the environment, or the default. */
function apiToken(file: string | undefined, flag: string | undefined, env: Record<string, string | undefined>): string {
  if (file !== undefined && flag !== undefined) throw new UsageError("--token and --token-file exclude each other");
  if (file !== undefined) {
    let token: string;
    try {
      token = readFileSync(file, "utf8").trim();
    } catch (error) {
      throw new UsageError(
        `--token-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    if (!token || /\s/.test(token)) throw new UsageError(`--token-file ${file}: expected one token on its first line`);
    return token;
  }
  if (flag !== undefined) {
    console.error(
      "telephony-config serve: warning: --token is visible to every user in ps; use --token-file or TELEPHONY_API_TOKEN",
    );
    return flag;
  }
  return env.TELEPHONY_API_TOKEN?.trim() || "dev-token";
}

function integer(flag: string, value: string): number {
  if (!/^\d+$/.test(value))
    throw new UsageError(`${flag} must be a non-negative integer, not ${JSON.stringify(value)}`);
  return Number(value);
}
