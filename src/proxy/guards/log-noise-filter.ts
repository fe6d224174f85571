// `probe_filter` (seed semantics): regexes that keep scanner noise out of the logs. `patterns` /
// `ip_patterns` replace the defaults, `custom_*` add to them, `disable_default_*` drop the defaults.
import type { Config } from '../../config/schema.js';
import { DEFAULT_PROBE_LOG_IP_PATTERNS, DEFAULT_PROBE_LOG_PATTERNS } from '../../config/defaults.js';

export type LogNoiseFilter = (path: string, clientIp: string) => boolean;

function compile(base: string[] | undefined, defaults: string[], disableDefaults: boolean, custom: string[]): RegExp | null {
  const sources = [...(base ?? (disableDefaults ? [] : defaults)), ...custom];
  if (sources.length === 0) return null;
  return new RegExp(sources.map((source) => `(?:${source})`).join('|'), 'i');
}

/** Returns a predicate: true when a log record about this request is noise to be suppressed. */
export function createLogNoiseFilter(settings: Config['probe_filter']): LogNoiseFilter {
  const paths = compile(settings.patterns, DEFAULT_PROBE_LOG_PATTERNS, settings.disable_default_patterns, settings.custom_patterns);
  const ips = compile(settings.ip_patterns, DEFAULT_PROBE_LOG_IP_PATTERNS, settings.disable_default_ip_patterns, settings.custom_ip_patterns);
  return (path, clientIp) => (paths !== null && paths.test(path)) || (ips !== null && ips.test(clientIp));
}
