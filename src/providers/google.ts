// Google's Gemini API (generativelanguage.googleapis.com) and Code Assist, the endpoint Gemini CLI
// uses when signed in with a Google account (cloudcode-pa.googleapis.com/v1internal:…, its bodies
// wrapping a Gemini request; README, "Coding agents"). API keys go in `x-goog-api-key` (or `?key=`);
// OAuth access tokens (`ya29.…`) are real Bearer credentials and pass through unchanged.
import { geminiTranslator } from '../translate/gemini/index.js';
import { bearerToken, type Provider } from './provider.js';

const GOOGLE_PATH =
  /\/v1(?:alpha|beta)?\/(?:models|tunedModels|files|cachedContents)(?:\/|$)|:(?:generateContent|streamGenerateContent|embedContent|batchEmbedContents|countTokens)\b|\/v1internal:/;

export const googleProvider: Provider = {
  id: 'google',
  wireFormat: 'gemini',
  credentialHeaders: ['x-goog-api-key', 'authorization'],
  convertAuth(headers, query) {
    if (headers['x-goog-api-key'] !== undefined || /(?:^|[?&])key=/.test(query)) return;
    const token = bearerToken(headers);
    if (token !== undefined && !token.startsWith('ya29.')) {
      headers['x-goog-api-key'] = token;
      delete headers['authorization'];
    }
  },
  defaultDomains: ['generativelanguage.googleapis.com', 'cloudcode-pa.googleapis.com'],
  // Gemini's OpenAI-compatible endpoint (/v1beta/openai/…) is OpenAI's API.
  claimsPath: (path) => GOOGLE_PATH.test(path) && !path.includes('/openai/'),
  translator: geminiTranslator,
};
