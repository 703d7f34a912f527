import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";
import { layersRule } from "./eslint.layers.js";

export default defineConfig(
  // A released provider module text, kept byte for byte as states hold it; sdk/ is generated (npm run sdk).
  globalIgnores(["dist/", "tools/", "sdk/", "**/node_modules/", ".telephony/", "test/fixtures/provider-module-*.js"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a parameter kept for its position (a Pulumi provider method's signature).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.{ts,mts,cts,tsx}"],
    plugins: { layers: { rules: { imports: layersRule } } },
    rules: { "layers/imports": "error" },
  },
);
