// npm run generate — writes the JSON Schemas under schemas/ and the Pulumi package schema
// (plugin/schema.json) from the field table (src/model/), formatted as Prettier formats them. test/unit/generated-files.test.ts fails when the committed files differ.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { packageVersion } from "../src/client/version.js";
import { generatedSchemaFiles } from "../src/model/json-schemas.js";
import { packageSchema } from "../src/model/package-schema.js";

/** The package schema the plugin answers GetSchema with. */
export const PACKAGE_SCHEMA_PATH = "plugin/schema.json";

/** The repository's root, from here (scripts/) or from its build (dist/scripts/). */
export const ROOT = fileURLToPath(
  new URL(import.meta.url.includes("/dist/scripts/") ? "../.." : "..", import.meta.url),
);

/** Each generated file's path (from the root) and text, as Prettier would leave it. */
export async function generatedFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const texts = {
    ...generatedSchemaFiles(),
    [PACKAGE_SCHEMA_PATH]: JSON.stringify(packageSchema(packageVersion), null, 2),
  };
  for (const [path, text] of Object.entries(texts)) {
    const options = await prettier.resolveConfig(join(ROOT, path));
    files[path] = await prettier.format(text, { ...options, filepath: join(ROOT, path) });
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [path, text] of Object.entries(await generatedFiles())) {
    const target = join(ROOT, path);
    const changed = !existsSync(target) || readFileSync(target, "utf8") !== text;
    if (changed) mkdirSync(dirname(target), { recursive: true });
    if (changed) writeFileSync(target, text);
    console.log(`${changed ? "wrote    " : "unchanged"} ${path}`);
  }
}
