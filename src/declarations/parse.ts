import type { ErrorObject } from "ajv";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from "yaml";
import { DECLARED_FIELDS, TEMPLATE_FIELDS, unknownProvider, type DeclaredValues } from "../model/index.js";
import { PATTERNED_FIELDS, validateDeclarationsFile } from "../model/schema.js";
import { aliasExpansion, aliasTargets } from "./aliases.js";
import {
  parseReference,
  referenceText,
  type Declaration,
  type Problem,
  type ReferenceState,
  type SecretReference,
} from "./declaration.js";
import { duplicateKey } from "./duplicate-key.js";
import { interpolate, type StackValues } from "./interpolate.js";
import { isMergeKey, Locator, offsetOf, pointer, withVia } from "./locate.js";
import { PATTERN_MEANING, schemaProblem, unusable } from "./problems.js";

export interface ParseOptions {
  /** Whether a secret reference can be resolved where the declarations will be used, and to a secret value. */
  isSet: (ref: SecretReference) => ReferenceState;
  /** A reference that is not set, empty or not secret: an error where the declarations are applied, a warning in `validate`. */
  unsetReference: "error" | "warning";
  /** The stack that `${config:…}` and `${stack}` are resolved for; without one they stay unresolved. */
  stack?: StackValues | undefined;
  /** An unresolved `${config:…}` or `${stack}`: a warning in `validate` without a stack, else an error. */
  unresolved: "error" | "warning";
}

/**
 * The state of a reference whose value (never kept, never shown) is `value`; `plainText` when the
 * stack holds it unencrypted.
 */
export function referenceState(value: string | undefined, { plainText = false } = {}): ReferenceState {
  if (value === undefined) return "unset";
  if (plainText) return "plain";
  return value === "" ? "empty" : value.trim() === "" ? "blank" : "set";
}

export interface ParseResult {
  declarations: Declaration[];
  problems: Problem[];
}

/** A declaration as the schema accepted it (secrets as reference text): its name defaults to its key. */
type RawDeclaration = Omit<DeclaredValues, "name"> & {
  name?: string;
  import?: number;
  protect?: boolean;
  formerKeys?: string[];
};

// The keys and values that aliases and merges may add to a file, beyond those written in it. What is
// written costs its own bytes, already read; what aliases add costs nothing to write, and a fragment of
// 2,000 keys in 3,000 configurations (147 KB) adds 12 million: 40 s and 600 MB to expand and check.
// Sharing as people do is far below: 1,000 configurations that each merge a fragment of five keys add
// 11,000; 2,000 that each merge five keys and alias a meta of 40 add 184,000, and read in about a second.
export const MAX_EXPANSION = 200_000;

/**
 * Parses and validates one YAML file of declarations: each of its documents is a declarations
 * document. Pure: the text in, declarations and problems out.
 */
export function parseDeclarations(text: string, file: string, options: ParseOptions): ParseResult {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: true });
  const nonEmpty = documents.filter(
    (doc) => doc.errors.length || !(doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)),
  );
  if (!nonEmpty.length) {
    return {
      declarations: [],
      problems: [
        { file, line: 1, col: 1, severity: "error", message: "empty file: declare configurations in it, or remove it" },
      ],
    };
  }
  const result: ParseResult = { declarations: [], problems: [] };
  // One budget for the file's documents together: --- is no way around it.
  const expansion = { left: MAX_EXPANSION };
  for (const doc of nonEmpty) {
    const one = new DocumentParser(doc, text, file, lineCounter, options, expansion).parse();
    result.declarations.push(...one.declarations);
    result.problems.push(...one.problems);
  }
  return result;
}

class DocumentParser {
  readonly #problems: Problem[] = [];
  /** What the fields that held references resolved to, by JSON pointer: said with their problems. */
  readonly #resolved = new Map<string, string>();
  readonly #at: Locator;

  constructor(
    readonly doc: Document,
    readonly text: string,
    readonly file: string,
    readonly lineCounter: LineCounter,
    readonly options: ParseOptions,
    /** What is left of the file's MAX_EXPANSION once the documents before this one are expanded. */
    readonly expansion: { left: number },
  ) {
    this.#at = new Locator(doc, text, lineCounter, aliasTargets(doc));
  }

  parse(): ParseResult {
    const { doc } = this;
    for (const e of doc.errors)
      this.#report(
        e.pos[0],
        (e.code === "DUPLICATE_KEY" && duplicateKey(doc, e.pos[0], (node) => this.#at.line(node))) ||
          firstLine(e.message),
      );
    for (const e of doc.warnings) this.#report(e.pos[0], firstLine(e.message), "warning");
    if (doc.errors.length || !this.#aliasesResolve() || !this.#expandsWithinBudget()) return this.#result([]);

    let data: unknown;
    try {
      // Unbounded here: #expandsWithinBudget bounds what aliases add, whereas yaml's count of alias uses
      // refuses 10,001 configurations that merge one small fragment, yet takes 2,000 keys used 3,000 times.
      data = doc.toJS({ maxAliasCount: -1 });
    } catch (error) {
      // Whatever else yaml cannot build (none is known past the checks above): at least say where.
      this.#report(offsetOf(doc.contents), `cannot be read: ${(error as Error).message}`);
      return this.#result([]);
    }
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      this.#report(
        offsetOf(doc.contents),
        "a declarations document is a mapping with configurations: (and x- fragments)",
      );
      return this.#result([]);
    }

    const left = this.#interpolate(data as Record<string, unknown>);
    if (!validateDeclarationsFile(data)) {
      const errors = (validateDeclarationsFile.errors ?? []).filter((e) => !left.has(e.instancePath));
      for (const e of errors) this.#schemaProblem(e);
      if (errors.length) return this.#result([]);
    }
    const configurations = (data as { configurations: Record<string, RawDeclaration> }).configurations;
    if (!this.#resolvedUrlsHold(configurations, left)) return this.#result([]);
    this.#unknownProviders(configurations);
    return this.#result(this.#declarations({ configurations }));
  }

  /** A warning for each provider id the package's catalogue does not know: the API may know it, and decides. */
  #unknownProviders(configurations: Record<string, RawDeclaration>): void {
    for (const [key, raw] of Object.entries(configurations)) {
      const warning = unknownProvider(raw.provider);
      if (!warning) continue;
      const path = ["configurations", key, "provider"];
      const at = this.#at.value(path);
      this.#report(offsetOf(at.node), withVia(`${path.join(".")}: ${warning}`, at.via), "warning");
    }
  }

  /** Whether every alias has its anchor and every merge key merges mappings; says where not. */
  #aliasesResolve(): boolean {
    const before = this.#problems.length;
    visit(this.doc, {
      Alias: (_, alias) => {
        if (!this.#at.targets.get(alias)) {
          this.#report(
            offsetOf(alias),
            `*${alias.source}: no anchor &${alias.source} before it in this document (an anchor does not reach past ---)`,
          );
        }
      },
      Pair: (_, pair) => {
        if (!isMergeKey(pair.key)) return;
        for (const source of isSeq(pair.value) ? pair.value.items : [pair.value]) {
          const target = isAlias(source) ? this.#at.targets.get(source) : source;
          if (target && !isMap(target))
            this.#report(
              offsetOf(source as Node),
              "<< merges mappings only: a mapping, an alias of one, or a list of those",
            );
        }
      },
    });
    return this.#problems.length === before;
  }

  /** Whether what the aliases expand to is finite and within what is left of the file's budget; says where not. */
  #expandsWithinBudget(): boolean {
    const expansion = aliasExpansion(this.doc, this.#at.targets, this.expansion.left);
    if (expansion.kind === "within") {
      this.expansion.left -= expansion.added;
      return true;
    }
    const { alias } = expansion;
    this.#report(
      offsetOf(alias),
      expansion.kind === "endless"
        ? `*${alias.source}: is inside the value anchored &${alias.source}, which would then contain itself without end; an alias can only repeat a value it is not part of`
        : `*${alias.source}: aliases and merges add more than ${MAX_EXPANSION} keys and values to this file by here (each *${alias.source} adds ${expansion.size}); share smaller fragments or use them less often, or split the file`,
    );
    return false;
  }

  /**
   * Resolves `${config:…}` and `${stack}` in place; returns the JSON pointers of the fields it could
   * not resolve, whose other problems would only be about the template.
   */
  #interpolate(data: Record<string, unknown>): Set<string> {
    const left = new Set<string>();
    const configurations = data.configurations;
    if (typeof configurations !== "object" || configurations === null) return left;
    for (const [key, raw] of Object.entries(configurations as Record<string, unknown>)) {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) continue;
      // Copies: an alias gives several configurations one and the same object, which each resolves for itself.
      const declaration = { ...(raw as Record<string, unknown>) };
      (configurations as Record<string, unknown>)[key] = declaration;
      const fields: Array<[Record<string, unknown>, string, string[]]> = TEMPLATE_FIELDS.map((f) => [
        declaration,
        f,
        [f],
      ]);
      if (typeof declaration.meta === "object" && declaration.meta !== null && !Array.isArray(declaration.meta)) {
        const meta = { ...(declaration.meta as Record<string, unknown>) };
        declaration.meta = meta;
        for (const m of Object.keys(meta)) fields.push([meta, m, ["meta", m]]);
      }
      for (const [holder, field, path] of fields) {
        const template = holder[field];
        if (typeof template !== "string") continue;
        const full = ["configurations", key, ...path];
        const { value, problems } = interpolate(template, full.join("."), this.options.stack);
        if (value !== undefined) {
          holder[field] = value;
          if (value !== template) this.#resolved.set(pointer(full), value);
          continue;
        }
        left.add(pointer(full));
        const at = this.#at.value(full);
        for (const p of problems) {
          const severity = p.unresolved ? this.options.unresolved : "error";
          this.#report(this.#at.offsetOfReference(at.node, template, p.index), withVia(p.message, at.via), severity);
        }
      }
    }
    return left;
  }

  /** Whether every resolved value of a field with a pattern holds (a template that starts with a reference may not); says where not. */
  #resolvedUrlsHold(configurations: Record<string, RawDeclaration>, left: Set<string>): boolean {
    const before = this.#problems.length;
    for (const [key, raw] of Object.entries(configurations)) {
      for (const { name: field, validate } of PATTERNED_FIELDS) {
        const value = raw[field as keyof RawDeclaration];
        const path = ["configurations", key, field];
        if (value === undefined || left.has(pointer(path)) || validate(value)) continue;
        const at = this.#at.value(path);
        this.#report(
          offsetOf(at.node),
          withVia(`${path.join(".")}: ${PATTERN_MEANING[field]}, and resolves to ${JSON.stringify(value)}`, at.via),
        );
      }
    }
    return this.#problems.length === before;
  }

  #declarations(data: { configurations: Record<string, RawDeclaration> }): Declaration[] {
    const declarations: Declaration[] = [];
    for (const [key, raw] of Object.entries(data.configurations)) {
      const declaration: Declaration = {
        key,
        file: this.file,
        line: this.#at.line(this.#at.key(["configurations", key]).node),
        name: raw.name ?? key,
        provider: raw.provider,
        active: raw.active ?? true,
        protect: raw.protect ?? false,
        formerKeys: raw.formerKeys ?? [],
      };
      for (const field of DECLARED_FIELDS) {
        const value = raw[field.name as keyof RawDeclaration];
        if (value === undefined || field.name in declaration) continue;
        if ("secret" in field) declaration[field.name] = this.#reference(key, field.name, value as string);
        else (declaration as Record<string, unknown>)[field.name] = value;
      }
      if (raw.import !== undefined) declaration.importId = raw.import;
      declarations.push(declaration);
    }
    return declarations;
  }

  /** A secret's reference, said to be unusable when it cannot be resolved to a secret value. */
  #reference(key: string, field: string, text: string): SecretReference {
    const ref = parseReference(text)!;
    const state = this.options.isSet(ref);
    if (state !== "set") {
      const at = this.#at.value(["configurations", key, field]);
      const message = `configurations.${key}.${field}: ${referenceText(ref)}: ${unusable(ref, state, field)}`;
      this.#report(offsetOf(at.node), withVia(message, at.via), this.options.unsetReference);
    }
    return ref;
  }

  #schemaProblem(e: ErrorObject): void {
    const { at, message } = schemaProblem(e, this.#at, this.#resolved);
    this.#report(offsetOf(at.node), withVia(message, at.via));
  }

  #report(offset: number, message: string, severity: Problem["severity"] = "error"): void {
    const { line, col } = this.lineCounter.linePos(offset);
    this.#problems.push({ file: this.file, line, col, severity, message });
  }

  #result(declarations: Declaration[]): ParseResult {
    return { declarations, problems: this.#problems };
  }
}

const firstLine = (message: string) => message.split("\n")[0]!;
