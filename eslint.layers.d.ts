import type { Rule } from "eslint";

export const LAYERS: Record<string, { uses?: string[]; types?: string[] }>;
export const layersRule: Rule.RuleModule;
