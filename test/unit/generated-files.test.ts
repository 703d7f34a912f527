import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { generatedFiles, ROOT } from "../../scripts/generate-schemas.js";

it("the JSON Schemas under schemas/ and the package schema plugin/schema.json are what the field table generates (npm run build && npm run generate)", async () => {
  const files = await generatedFiles();
  expect(Object.keys(files)).toHaveLength(5);
  for (const [path, text] of Object.entries(files)) expect(readFileSync(join(ROOT, path), "utf8"), path).toBe(text);
});
