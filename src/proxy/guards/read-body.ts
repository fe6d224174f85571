// Reads the request body up to the limit. The limit is enforced on the bytes actually received,
// so a lying or missing Content-Length gets nothing more through; past the limit reading stops
// and nothing more is buffered.
import type { IncomingMessage } from 'node:http';
import { ProxyError } from '../../errors.js';

export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        request.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ProxyError('bad_request', `could not read the request body: ${error.message}`));
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}

function tooLarge(maxBytes: number): ProxyError {
  return new ProxyError(
    'body_too_large',
    `request body exceeds the ${maxBytes}-byte limit; raise "max_body_bytes" in config.json if this is intended`,
  );
}
