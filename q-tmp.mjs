import { openStore } from './dist/store/open-store.js';
const s = await openStore('/work/db/100k.db');
const f = { apiKind: 'chat' };
let t = performance.now(), n = 0, deep = 0;
for await (const r of s.iterate({ ...f, threadLeaves: true }, 200)) { n++; if (r.parentId) deep++; }
console.log('leaves with bodies', n, deep, (performance.now() - t).toFixed(0), 'ms');
