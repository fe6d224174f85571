// Passes WebSocket messages both ways between the client and the upstream as they arrive, text as
// text and binary as binary, and hands each one (a reference, never a copy: ws does not mask a
// Buffer it is given in place) to an observer after it was sent on. Backpressure: when one side
// has more than HIGH_WATER bytes waiting, the other side is paused until they are written out.
// A close on either side closes the other with the same code (or 1000 when the code cannot be
// sent on, e.g. 1005 "no status" or 1006 "abnormal"), an error on either side drops both.
import type WebSocket from 'ws';

const HIGH_WATER = 4 * 1024 * 1024;

export interface RelayObserver {
  fromClient(data: Buffer, isBinary: boolean): void;
  fromUpstream(data: Buffer, isBinary: boolean): void;
}

export interface RelayEnd {
  by: 'client' | 'upstream' | 'proxy';
  code: number;
  error?: Error;
}

export function relayWebSocket(client: WebSocket, upstream: WebSocket, observer: RelayObserver | null, onEnd: (end: RelayEnd) => void): { close(code: number, reason: string): void } {
  let ended = false;
  const finish = (end: RelayEnd) => {
    if (ended) return;
    ended = true;
    onEnd(end);
  };

  pipe(client, upstream, (data, isBinary) => observer?.fromClient(data, isBinary));
  pipe(upstream, client, (data, isBinary) => observer?.fromUpstream(data, isBinary));

  client.on('close', (code, reason) => {
    finish({ by: 'client', code });
    closeOther(upstream, code, reason);
  });
  upstream.on('close', (code, reason) => {
    finish({ by: 'upstream', code });
    closeOther(client, code, reason);
  });
  client.on('error', (error) => {
    finish({ by: 'client', code: 1006, error });
    upstream.terminate();
  });
  upstream.on('error', (error) => {
    finish({ by: 'upstream', code: 1006, error });
    client.terminate();
  });

  return {
    close(code, reason) {
      finish({ by: 'proxy', code });
      client.close(code, reason);
      upstream.close(code, reason);
    },
  };
}

function pipe(from: WebSocket, to: WebSocket, observe: (data: Buffer, isBinary: boolean) => void): void {
  let paused = false;
  const written = () => {
    if (paused && to.bufferedAmount < HIGH_WATER / 2) {
      paused = false;
      from.resume();
    }
  };
  from.on('message', (data, isBinary) => {
    const bytes = data as Buffer; // binaryType 'nodebuffer' (the default): one Buffer per message
    if (to.readyState !== to.OPEN) return;
    to.send(bytes, { binary: isBinary }, written);
    if (!paused && to.bufferedAmount > HIGH_WATER) {
      paused = true;
      from.pause();
    }
    observe(bytes, isBinary);
  });
}

/** Codes a peer may send in a close frame (RFC 6455 §7.4.1: not 1005, 1006, 1015). */
function sendableCode(code: number): number {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999) ? code : 1000;
}

function closeOther(other: WebSocket, code: number, reason: Buffer): void {
  if (other.readyState === other.CLOSED || other.readyState === other.CLOSING) return;
  if (code === 1006) {
    other.terminate();
    return;
  }
  other.close(sendableCode(code), reason.length <= 123 ? reason : undefined);
}
