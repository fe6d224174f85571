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
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(`config file ${file} does not exist: fix the --config path, or leave --config out to use ./config.json (when present) or the built-in defaults`);
    }
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (--config FILE)`);
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
  // extra_allowed_domains adds to allowed_domains (built-in or configured); the merged map is
  // what the proxy reads, so nothing downstream needs to know there were two keys.
  const domains: Record<string, (typeof config.allowed_domains)[string]> = {};
  for (const [domain, entry] of [...Object.entries(config.allowed_domains), ...Object.entries(config.extra_allowed_domains)]) {
    domains[domain.toLowerCase()] = entry;
  }
  config.allowed_domains = domains;
  const warnings = unknownKeys(configSchema, json, '');
  warnings.push(...checkCompatRoutes(config, json));
  return { config, warnings };
}

/**
 * An openai_compat route whose domain is not allowlisted would answer 403 to every request for
 * its models: a route the user wrote is refused at start; a built-in route (the user narrowed
 * allowed_domains) is only warned about.
 */
function checkCompatRoutes(config: Config, json: unknown): string[] {
  const explicit = (json as { openai_compat?: { routes?: unknown } } | null)?.openai_compat?.routes !== undefined;
  const warnings: string[] = [];
  config.openai_compat.routes.forEach((route, index) => {
    if (config.allowed_domains[route.domain]) return;
    const fix = `add it to config.json as {"extra_allowed_domains": {"${route.domain}": {"https": true}}}`;
    if (explicit) {
      throw new ConfigError(`openai_compat.routes.${index} ("${route.match}") sends to "${route.domain}", which is not allowlisted; ${fix}, or change the route's domain`);
    }
    warnings.push(`the built-in openai_compat route "${route.match}" sends to "${route.domain}", which is not allowlisted: /v1 requests for those models will be refused; ${fix} to serve them`);
  });
  return warnings;
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
      const guess = closestKey(key, Object.keys(shape));
      warnings.push(`unknown config key "${prefix}${key}" is ignored${guess ? `; did you mean "${prefix}${guess}"?` : ''}`);
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

/** The known key a typo most likely meant: a small edit distance, or a prefix of it; else null. */
export function closestKey(key: string, known: string[]): string | null {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = candidate.startsWith(lower) && lower.length >= 3 ? 1 : editDistance(lower, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_unused, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
