import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));

export interface ProjectCopy {
  dir: string;
  /** Writes a declarations file into the copy and returns its path. */
  declare(yaml: string, file?: string): string;
  remove(): void;
}

/**
 * The repo-root Pulumi project in a temp dir: its own stack files, the repo's node_modules and schemas
 * linked, and dist/ linked (or copied, to change the package's code under an existing stack). With
 * `findsPlugin`, its Pulumi.yaml finds the native plugin in the repo's plugin/ directory.
 */
export function projectCopy(options: { copyDist?: boolean; findsPlugin?: boolean } = {}): ProjectCopy {
  const dir = mkdtempSync(join(tmpdir(), "telephony-project-"));
  for (const file of ["Pulumi.yaml", "package.json"]) cpSync(join(REPO, file), join(dir, file));
  if (options.findsPlugin)
    appendFileSync(
      join(dir, "Pulumi.yaml"),
      `plugins:\n  providers:\n    - name: telephony\n      path: ${join(REPO, "plugin")}\n`,
    );
  for (const linked of ["node_modules", "schemas"]) symlinkSync(join(REPO, linked), join(dir, linked));
  if (options.copyDist) cpSync(join(REPO, "dist"), join(dir, "dist"), { recursive: true });
  else symlinkSync(join(REPO, "dist"), join(dir, "dist"));
  return {
    dir,
    declare(yaml, file = "telephony.yaml") {
      const path = join(dir, file);
      writeFileSync(path, yaml);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
