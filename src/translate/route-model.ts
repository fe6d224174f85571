// The OpenAI-compatible entry's routing table: the first route whose glob matches the model name
// decides the upstream wire format (`provider`) and host (`domain`). Globs are picomatch's, matched
// case-insensitively, with `*` also matching `/` (model names such as `Qwen/Qwen3-8B` or
// `meta-llama/llama-4` are one name, not a path).
import picomatch from 'picomatch';

export type CompatProvider = 'google' | 'anthropic' | 'openai';

export interface CompatRoute {
  match: string;
  provider: CompatProvider;
  domain: string;
}

export interface ModelRouter {
  routes: readonly CompatRoute[];
  routeFor(model: string): CompatRoute | undefined;
}

/** Stands in for `/` on both sides so that globs never treat a model name as a path. */
const SLASH = '\u001f';

export function createModelRouter(routes: readonly CompatRoute[]): ModelRouter {
  const matchers = routes.map((route) => ({
    route,
    matches: picomatch(route.match.replaceAll('/', SLASH), { nocase: true, dot: true }),
  }));
  return {
    routes,
    routeFor(model) {
      const name = model.replaceAll('/', SLASH);
      return matchers.find((matcher) => matcher.matches(name))?.route;
    },
  };
}

/** True when the glob names exactly one model (no wildcard): such routes can be listed as models. */
export function isLiteralModelName(glob: string): boolean {
  return picomatch.scan(glob).isGlob === false;
}
