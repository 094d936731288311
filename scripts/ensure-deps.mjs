// Installs npm dependencies when node_modules is missing or older than package-lock.json,
// so `npm start` works as the single quick-start command on a fresh clone.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const lock = readFileSync(path.join(repo, 'package-lock.json'));
const want = createHash('sha256').update(lock).digest('hex');
const stamp = path.join(repo, 'node_modules/.stacklens-lock-hash');
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (have !== want) {
  console.log('stacklens: installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { cwd: repo, stdio: 'inherit' });
  writeFileSync(stamp, want);
}
