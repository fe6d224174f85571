// The crash figure: a recording proxy is killed with SIGKILL while 64 clients are being answered,
// restarted on the same database (which replays its capture journal in the background: the figure
// waits for it), stopped gracefully, and
// the exchanges the clients got a full 2xx answer for are compared with the records stored.
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { CHAT_BODY } from './measure.js';
import type { Started } from './processes.js';
import { waitUntilCaughtUp } from './caught-up.js';

export interface KillFigure {
  answered: number;
  recorded: number;
  lost: number;
  /** How long the restart took to record what the journal held. */
  replayMs: number;
}

export async function killUnderLoad(start: () => Promise<Started>, upstreamPath: string, dbPath: string, loadSeconds: number): Promise<KillFigure> {
  const first = await start();
  const pool = new Pool(`http://127.0.0.1:${first.port}`, { connections: 64 });
  let answered = 0;
  let killed = false;
  const client = async () => {
    while (!killed) {
      try {
        const response = await pool.request({
          path: `${upstreamPath}/v1/chat/completions`,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
          body: CHAT_BODY,
        });
        await response.body.text();
        if (response.statusCode >= 200 && response.statusCode < 300 && !killed) answered++;
      } catch {
        return;
      }
    }
  };
  const clients = Array.from({ length: 64 }, client);
  await new Promise((resolve) => setTimeout(resolve, loadSeconds * 1000));
  const exited = new Promise<void>((resolve) => first.child.once('exit', () => resolve()));
  first.child.kill('SIGKILL');
  killed = true;
  const answeredBeforeKill = answered;
  await exited;
  await Promise.all(clients);
  await pool.destroy();

  // The restart replays the journal in the background once it listens: wait for it, then stop.
  const second = await start();
  const replayMs = await waitUntilCaughtUp(`http://127.0.0.1:${second.port}/health`);
  await second.stop();
  const db = new Database(dbPath, { readonly: true });
  const recorded = (db.prepare('SELECT count(*) AS n FROM exchanges WHERE status BETWEEN 200 AND 299 AND incomplete = 0').get() as { n: number }).n;
  db.close();
  return { answered: answeredBeforeKill, recorded, lost: Math.max(0, answeredBeforeKill - recorded), replayMs };
}
