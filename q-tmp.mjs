import { openStore } from './dist/store/open-store.js';
const mb = (n) => Math.round(n / 1048576);
let peak = {};
setInterval(() => { const m = process.memoryUsage(); for (const k of Object.keys(m)) peak[k] = Math.max(peak[k] ?? 0, mb(m[k])); }, 100).unref();
const s = await openStore('/work/db/100k.db');
let n = 0;
for await (const r of s.iterate({ apiKind: "chat", threadLeaves: true }, 200)) { n++; if (n % 3000 === 0) console.log(Object.values(process.memoryUsage()).map(mb).join(" ")); }
console.log('leaves', n, peak, mb(process.resourceUsage().maxRSS * 1024));
import { readFileSync } from 'node:fs';
const smaps = readFileSync('/proc/self/smaps', 'utf8').split('\n');
let cur = null; const maps = [];
for (const line of smaps) { if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) { cur = { name: line.split(/\s+/).slice(5).join(' ') || '[anon]', range: line.split(' ')[0], rss: 0 }; maps.push(cur); } else if (line.startsWith('Rss:')) cur.rss = Number(line.split(/\s+/)[1]); }
const byName = new Map(); for (const m of maps) byName.set(m.name, (byName.get(m.name) ?? 0) + m.rss);
console.log([...byName].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, r]) => `${(r / 1024).toFixed(0)} MB ${n}`).join('\n'));
console.log('biggest anon', maps.filter(m => m.name === '[anon]' || m.name === '[heap]').sort((a, b) => b.rss - a.rss).slice(0, 8).map(m => `${m.range} ${(m.rss / 1024).toFixed(1)}`).join(' | '));
