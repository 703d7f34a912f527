import { documentedOperations, type DocumentedOperation } from "./openapi.js";
import { HttpError } from "./reply.js";

/** The operation a request is for, and the values of its path's parameters (still as sent). */
export interface Route {
  operation: DocumentedOperation;
  params: Record<string, string>;
}

interface PathRoute {
  pattern: RegExp;
  names: string[];
  operations: DocumentedOperation[];
}

let paths: PathRoute[] | undefined;

/** One entry per path of the document, `{name}` matching one path segment. */
function pathRoutes(): PathRoute[] {
  paths ??= [...new Set(documentedOperations().map((o) => o.path))].map((path) => {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const source = path
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
      .join("([^/]+)");
    const operations = documentedOperations().filter((o) => o.path === path);
    return { pattern: new RegExp(`^${source}$`), names, operations };
  });
  return paths;
}

/** 404 for a path the document does not have, 405 with Allow for a method its path does not take. */
export function route(method: string, path: string): Route {
  for (const { pattern, names, operations } of pathRoutes()) {
    const match = pattern.exec(path);
    if (!match) continue;
    const operation = operations.find((o) => o.method === method);
    if (!operation) {
      const allow = operations.map((o) => o.method).join(", ");
      throw new HttpError(405, `method ${method} is not allowed here`, undefined, { allow });
    }
    return { operation, params: Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])) };
  }
  const hint = path.endsWith("/") ? "" : " (paths end with a slash)";
  throw new HttpError(404, `no such path: ${path}${hint}`);
}
