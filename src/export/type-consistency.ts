// Same JSON type for the same field in every row of a file (formats.md 1.3-A): HF `datasets`
// (pyarrow) refuses the whole file when a path is a string in one row and a list in another
// ("Column(/messages/[]/content) changed from string to array"). Rows are checked in file order
// against the types seen so far; a row that conflicts is rejected instead of written, so the file
// always loads. null mixes with anything; int and float are one "number". Memory is bounded by
// the number of distinct paths (capped), not by the number of rows.

export interface TypeConflict {
  path: string;
  expected: string;
  actual: string;
}

export interface TypeTrackerLimits {
  /** Distinct paths remembered; paths first seen after the cap are not checked. */
  maxPaths?: number;
  /** Nesting depth walked. */
  maxDepth?: number;
}

export class JsonTypeTracker {
  readonly #types = new Map<string, string>();
  readonly #maxPaths: number;
  readonly #maxDepth: number;

  constructor(known: Record<string, string> = {}, limits: TypeTrackerLimits = {}) {
    for (const [path, type] of Object.entries(known)) this.#types.set(path, type);
    this.#maxPaths = limits.maxPaths ?? 50_000;
    this.#maxDepth = limits.maxDepth ?? 32;
  }

  /** Conflicts of `row` with earlier rows, or within itself; empty when it may be written. */
  conflicts(row: unknown): TypeConflict[] {
    const conflicts: TypeConflict[] = [];
    const seen = new Map<string, string>();
    this.#walk(row, '', 0, (path, type) => {
      const expected = this.#types.get(path) ?? seen.get(path);
      if (expected === undefined) seen.set(path, type);
      else if (expected !== type && !conflicts.some((conflict) => conflict.path === path)) conflicts.push({ path, expected, actual: type });
    });
    return conflicts;
  }

  /** Remembers the types of a row that was written. */
  record(row: unknown): void {
    this.#walk(row, '', 0, (path, type) => {
      if (!this.#types.has(path) && this.#types.size < this.#maxPaths) this.#types.set(path, type);
    });
  }

  #walk(value: unknown, path: string, depth: number, visit: (path: string, type: string) => void): void {
    const type = jsonType(value);
    if (type === 'null') return;
    if (path !== '') visit(path, type);
    if (depth >= this.#maxDepth) return;
    if (Array.isArray(value)) {
      for (const item of value) this.#walk(item, `${path}[]`, depth + 1, visit);
    } else if (type === 'object') {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        this.#walk(inner, path === '' ? key : `${path}.${key}`, depth + 1, visit);
      }
    }
  }
}

function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}
