// The least any Node proxy can cost: node:http in, undici out, body piped, nothing else.
// `node bare-passthrough.js PORT UPSTREAM_ORIGIN` prints `ready PORT`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';

const upstream = process.argv[3] ?? 'http://127.0.0.1:9';
const agent = new Agent({ connections: 1024, keepAliveTimeout: 60_000 });

const server = createServer((request, response) => {
  agent
    .stream(
      { origin: upstream, path: request.url ?? '/', method: request.method as 'POST', headers: request.headers, body: request },
      ({ statusCode, headers }) => {
        delete headers['connection'];
        delete headers['keep-alive'];
        delete headers['transfer-encoding'];
        response.writeHead(statusCode, headers as Record<string, string>);
        return response;
      },
    )
    .catch(() => response.destroy());
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
});
