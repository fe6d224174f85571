// A port that cannot be bound, as one line naming the flag that changes it.
import { CliError } from './cli-error.js';

export interface ListenTarget {
  /** What listens there: "proxy", "review UI". */
  what: string;
  port: number;
  host: string;
  /** The option that changes the port, and an alternative when there is one. */
  flag: string;
  alternative?: string;
}

/** Turns EADDRINUSE / EACCES / EADDRNOTAVAIL from listen() into a CliError; anything else is rethrown. */
export function listenErrorToCli(error: unknown, targets: ListenTarget[]): never {
  const failure = error as NodeJS.ErrnoException & { port?: number; address?: string };
  const code = failure?.code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw error;
  const onPort = targets.filter((target) => target.port === failure.port);
  if (onPort.length > 1) {
    throw new CliError(`${onPort.map((target) => target.flag).join(' and ')} are both ${failure.port}: give them different ports`);
  }
  const target = onPort[0] ?? targets.find((target) => target.host === failure.address) ?? targets[0]!;
  const alternative = target.alternative ? `, or ${target.alternative}` : '';
  switch (code) {
    case 'EADDRINUSE':
      throw new CliError(`the ${target.what} cannot listen on ${target.host}:${target.port}: the port is already in use (another llm-proxy-sharegpt?); stop that process or choose another port with ${target.flag} N${alternative}`);
    case 'EACCES':
      throw new CliError(`the ${target.what} cannot listen on ${target.host}:${target.port}: permission denied (ports below 1024 need privileges); choose another port with ${target.flag} N${alternative}`);
    default:
      throw new CliError(`the ${target.what} cannot listen on ${target.host}:${target.port}: ${target.host} is not an address of this machine; fix the host option (${target.flag === '--ui-port' ? '--ui-host' : '--host'})`);
  }
}
