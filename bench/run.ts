// `npm run bench [area…]`: runs every bench/<area>.bench.ts (each one a fresh Node
// process, so peak-memory figures do not mix), or only the named areas.
//   npm run bench            -> all areas
//   npm run bench -- perf    -> bench/perf.bench.ts only

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const areas = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .filter((a) => wanted.length === 0 || wanted.includes(a))
  .sort();
if (areas.length === 0) {
  console.error(`no benchmark named ${wanted.join(', ')}; have: ${readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const area of areas) {
  console.log(`\n=== ${area} ===\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(dir, `${area}.bench.ts`)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
