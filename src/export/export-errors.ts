// The export's two errors the CLI tells apart (exit codes 2 and 130), in a module of their own:
// the CLI's main thread imports them without loading the export (it runs in a worker).

/** Something to fix before an export can run (missing database, unwritable directory): exit code 2. */
export class ExportSetupError extends Error {
  override name = 'ExportSetupError';
}

/** The export was stopped (Ctrl-C); nothing was left under a final name. */
export class ExportInterruptedError extends Error {
  override name = 'ExportInterruptedError';
}
