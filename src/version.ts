import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// package.json sits one level up from both src/ (tests) and dist/ (built).
export const VERSION: string = (require('../package.json') as { version: string }).version;
