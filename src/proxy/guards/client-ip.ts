// The client's address: the socket's, or the first X-Forwarded-For hop when the proxy is told it
// sits behind a trusted reverse proxy (never otherwise: the header is client-controlled).
import type { IncomingMessage } from 'node:http';

export function clientIpOf(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return normalizeIp(first);
  }
  return normalizeIp(request.socket.remoteAddress ?? '');
}

function normalizeIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
