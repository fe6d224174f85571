// Which Store backends the suite runs against: STORE_BACKENDS=sqlite,postgres (like kysely's
// DIALECTS). Default: both when PostgreSQL is installed, else SQLite alone. Under CI (CI=true)
// a missing PostgreSQL is an error, never a silent skip.
export type BackendName = 'sqlite' | 'postgres';

export function selectedBackends(postgresInstalled: boolean): BackendName[] {
  const text = process.env['STORE_BACKENDS'];
  const ci = process.env['CI'] === 'true' || process.env['CI'] === '1';
  if (text !== undefined && text.trim() !== '') {
    const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
    for (const name of names) {
      if (name !== 'sqlite' && name !== 'postgres') throw new Error(`STORE_BACKENDS: unknown backend "${name}" (sqlite, postgres)`);
    }
    if (names.includes('postgres') && !postgresInstalled) {
      throw new Error('STORE_BACKENDS includes postgres but PostgreSQL is not installed (apt-get install postgresql postgresql-contrib)');
    }
    return names as BackendName[];
  }
  if (!postgresInstalled) {
    if (ci) throw new Error('CI=true but PostgreSQL is not installed: the store suite must run on both backends (.ci/run installs it)');
    return ['sqlite'];
  }
  return ['sqlite', 'postgres'];
}
