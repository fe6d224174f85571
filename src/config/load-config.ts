// Reads and validates config.json. A missing default file is fine (built-in defaults); a missing
// explicit file, bad JSON, or a wrong type stops the start with a message naming the key.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { configSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadedConfig {
  config: Config;
  /** The file actually read, or null when the built-in defaults apply. */
  source: string | null;
  /** Unknown keys and other things worth a warning at start-up. */
  warnings: string[];
}

export async function loadConfig(path: string | undefined, defaultPath = 'config.json'): Promise<LoadedConfig> {
  const explicit = path !== undefined;
  const file = path ?? defaultPath;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { config: parseConfig({}).config, source: null, warnings: [] };
    }
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = parseConfig(json);
  return { ...parsed, source: file };
}

export function parseConfig(json: unknown): { config: Config; warnings: string[] } {
  const result = configSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`invalid config: ${problems.join('; ')}`);
  }
  const config = result.data;
  const domains: Record<string, (typeof config.allowed_domains)[string]> = {};
  for (const [domain, entry] of Object.entries(config.allowed_domains)) {
    domains[domain.toLowerCase()] = entry;
  }
  config.allowed_domains = domains;
  return { config, warnings: unknownKeys(configSchema, json, '') };
}

/** Lists keys the schema does not know, so a typo is reported instead of silently ignored. */
function unknownKeys(schema: z.ZodType, value: unknown, prefix: string): string[] {
  const objectSchema = unwrapObject(schema);
  if (!objectSchema || typeof value !== 'object' || value === null || Array.isArray(value)) {
    const record = unwrapRecord(schema);
    if (record && typeof value === 'object' && value !== null) {
      return Object.entries(value).flatMap(([key, entry]) =>
        unknownKeys(record.valueType as z.ZodType, entry, `${prefix}${key}.`),
      );
    }
    return [];
  }
  const warnings: string[] = [];
  const shape = objectSchema.shape as Record<string, z.ZodType>;
  for (const [key, entry] of Object.entries(value)) {
    const child = shape[key];
    if (!child) {
      warnings.push(`unknown config key "${prefix}${key}" is ignored`);
      continue;
    }
    warnings.push(...unknownKeys(child, entry, `${prefix}${key}.`));
  }
  return warnings;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 8; depth++) {
    const inner = (current as unknown as { def?: { innerType?: z.ZodType } }).def?.innerType;
    if (!inner) break;
    current = inner;
  }
  return current;
}

function unwrapObject(schema: z.ZodType): z.ZodObject | null {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? inner : null;
}

function unwrapRecord(schema: z.ZodType): z.ZodRecord | null {
  const inner = unwrap(schema);
  return inner instanceof z.ZodRecord ? inner : null;
}
