// Recording that fell behind under load leaves exchanges waiting in the capture journal and
// records them as the machine has room (README, "Recording gives way to the proxy"); a figure that
// counts records waits for that first.

/** Milliseconds until /health says recording is not behind (0: it never was), at most two minutes. */
export async function waitUntilCaughtUp(healthUrl: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    const health = (await (await fetch(healthUrl)).json().catch(() => ({}))) as { store?: { recording_behind?: boolean } };
    if (health.store?.recording_behind !== true) return Date.now() - started < 50 ? 0 : Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Date.now() - started;
}

