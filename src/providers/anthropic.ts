// Anthropic's Messages API (also mounted by Moonshot, DeepSeek and others under /anthropic/).
// API keys go in `x-api-key`; a client sending `Authorization: Bearer KEY` gets it moved there.
// OAuth access tokens (Claude Code signed in with a Claude subscription: `sk-ant-oat…`, announced by
// an `oauth-…` value in `anthropic-beta`) are real Bearer credentials and pass through unchanged:
// Anthropic refuses them in `x-api-key`.
import { anthropicTranslator } from '../translate/anthropic/index.js';
import { bearerToken, type OutgoingHeaders, type Provider } from './provider.js';

const ANTHROPIC_VERSION = '2023-06-01';

function isOAuthRequest(headers: OutgoingHeaders, token: string): boolean {
  if (token.startsWith('sk-ant-oat')) return true;
  const beta = headers['anthropic-beta'];
  const betas = Array.isArray(beta) ? beta.join(',') : (beta ?? '');
  return betas.split(',').some((value) => value.trim().startsWith('oauth-'));
}

export const anthropicProvider: Provider = {
  id: 'anthropic',
  wireFormat: 'anthropic-messages',
  credentialHeaders: ['x-api-key', 'authorization'],
  convertAuth(headers) {
    if (headers['x-api-key'] === undefined) {
      const token = bearerToken(headers);
      if (token !== undefined && !isOAuthRequest(headers, token)) {
        headers['x-api-key'] = token;
        delete headers['authorization'];
      }
    }
    if (headers['anthropic-version'] === undefined) headers['anthropic-version'] = ANTHROPIC_VERSION;
  },
  defaultDomains: ['api.anthropic.com'],
  claimsPath: (path) => path.includes('/anthropic/') || path.includes('/v1/messages'),
  translator: anthropicTranslator,
};
