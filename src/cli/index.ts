#!/usr/bin/env node
// Entry point: `llm-proxy-sharegpt [start] [options]`. Subcommands are added as files next to this one.
import { DatabaseOpenError } from '../store/sqlite/explain-open-error.js';
import { CliError } from './cli-error.js';
import { START_HELP } from './start-help.js';

// Each subcommand is loaded when run: `export` or `help` does not pay for the proxy's modules.
const runStart = async (argv: string[]) => (await import('./start.js')).runStart(argv);

const HELP = `llm-proxy-sharegpt: a recording LLM API proxy that turns your traffic into fine-tuning data.

Usage: llm-proxy-sharegpt <command> [options]

Commands:
  start      run the proxy (default command)
  ui         serve the review UI alone for a database (--db PATH --port N)
  export     write confirmed conversations as training files (sharegpt, openai-messages, openai-ft)
  rebuild    re-derive stored ShareGPT rows after a converter upgrade
  migrate    copy every record between stores (SQLite <-> PostgreSQL), resumable
  help       show this help

Run "llm-proxy-sharegpt <command> --help" for a command's options.

${START_HELP}`;

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  start: runStart,
  export: async (argv) => (await import('./export.js')).runExportCommand(argv),
  ui: async (argv) => (await import('./ui.js')).runUi(argv),
  rebuild: async (argv) => (await import('./rebuild.js')).runRebuild(argv),
  migrate: async (argv) => (await import('./migrate.js')).runMigrate(argv),
};

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === 'help' || first === '--help' || first === '-h') {
    process.stdout.write(HELP);
    return;
  }
  if (first === undefined || first.startsWith('-')) return runStart(argv);
  const command = COMMANDS[first];
  if (!command) throw new CliError(`unknown command "${first}"; run "llm-proxy-sharegpt help"`);
  return command(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`llm-proxy-sharegpt: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if (error instanceof DatabaseOpenError) {
    process.stderr.write(`llm-proxy-sharegpt: cannot open the database ${error.path}: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`llm-proxy-sharegpt: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
