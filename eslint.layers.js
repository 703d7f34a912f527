// The layers of src/ (CONTRIBUTING.md, "Layout") as an ESLint rule: what each directory may import from
// the rest of src/. The rule judges where an import leads, resolved against the importing file, so no
// spelling ("./../x", "../a/../x", a dynamic import, the package's own name) reaches around it.
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** An entry ending in "/" is a whole layer; any other is one file. `types` are used by `import type` only. */
export const LAYERS = {
  client: {},
  model: { uses: ["client/contract.js"] },
  settings: { uses: ["client/"] },
  runtime: { uses: ["client/", "model/", "settings/"] },
  pulumi: { uses: ["client/", "model/", "settings/", "runtime/"] },
  declarations: { uses: ["model/"] },
  gitops: { uses: ["declarations/", "model/", "runtime/index.js", "settings/", "client/"] },
  stack: { uses: ["declarations/", "model/", "pulumi/", "settings/large-stack.js"] },
  server: { uses: ["model/provider-catalogue.js"], types: ["client/contract.js"] },
  cli: { uses: ["gitops/", "server/", "settings/", "declarations/"] },
};

const ROOT = import.meta.dirname;
const SRC = join(ROOT, "src");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

/** Where in src/ a specifier leads (as "layer/file.js"), or undefined when it leads elsewhere. */
function target(specifier, file) {
  let path;
  if (specifier.startsWith(".")) path = resolve(dirname(file), specifier);
  else if (specifier === pkg.name || specifier.startsWith(`${pkg.name}/`)) {
    const exported = pkg.exports[`.${specifier.slice(pkg.name.length)}`];
    if (typeof exported !== "string" || !exported.startsWith("./dist/src/")) return undefined;
    path = join(SRC, exported.slice("./dist/src/".length));
  } else return undefined;
  const rel = relative(SRC, path);
  return rel.startsWith("..") ? undefined : rel.split(sep).join("/");
}

/** The module a source names: a string, or a template without substitutions. */
function specifierOf(source) {
  if (source?.type === "Literal" && typeof source.value === "string") return source.value;
  if (source?.type === "TemplateLiteral" && source.expressions.length === 0) return source.quasis[0].value.cooked;
  return undefined;
}

const allows = (entries, to) => entries.some((e) => (e.endsWith("/") ? to.startsWith(e) : to === e));

export const layersRule = {
  meta: { type: "problem", schema: [] },
  create(context) {
    const from = relative(SRC, context.filename).split(sep);
    const layer = from.length > 1 ? from[0] : undefined;
    const rules = LAYERS[layer];
    if (!rules) return {};
    const { uses = [], types = [] } = rules;
    const what = [...uses, ...types.map((t) => `types of ${t}`)];
    const message = `src/${layer}/ may import ${what.length ? `only ${what.join(", ")}` : "nothing else in src/"} (CONTRIBUTING.md, "Layout").`;
    const check = (node, source, typeOnly) => {
      const specifier = specifierOf(source);
      if (specifier === undefined) return;
      const to = target(specifier, context.filename);
      if (!to || to.startsWith(`${layer}/`)) return;
      if (allows(uses, to) || (typeOnly && allows(types, to))) return;
      context.report({ node, message: `${message} Not ${to}.` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source, node.importKind === "type"),
      ExportNamedDeclaration: (node) => check(node, node.source, node.exportKind === "type"),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === "type"),
      ImportExpression: (node) => {
        // A module named at run time cannot be judged: a layer names what it imports.
        if (specifierOf(node.source) === undefined)
          context.report({ node, message: `${message} A dynamic import() names its module literally.` });
        else check(node, node.source, false);
      },
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === "TSExternalModuleReference" &&
        check(node, node.moduleReference.expression, node.importKind === "type"),
    };
  },
};
