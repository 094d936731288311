// JavaScript part of the perfmix benchmark workload (see record.sh). Run under
// `node --perf-basic-prof`: V8 then writes /tmp/perf-<pid>.map, and `perf script` names
// the JIT frames from it (`JS:*walk file:///…/jswork.mjs:40:15`, `Builtin:…`, names with
// spaces and colons). A fixed amount of work, on the main thread and WORKERS worker
// threads (named by V8 as separate threads of one process).
//
// Usage: node --perf-basic-prof jswork.mjs WORKERS ROUNDS

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

class Scene {
  constructor(seed) {
    this.seed = seed;
    this.shapes = [];
    for (let i = 0; i < 64; i++) this.shapes.push({ kind: i % 3, x: (seed * (i + 1)) % 97, y: (seed + i * 7) % 89, r: 1 + (i % 5) });
  }
  // Each level of the scene graph recurses through a different method.
  renderLevel(depth) {
    if (depth === 0) return this.rasterize();
    return depth % 3 === 0 ? this.layout(depth - 1) : depth % 3 === 1 ? this.paint(depth - 1) : this.composite(depth - 1);
  }
  layout(depth) {
    const r = this.renderLevel(depth);
    return r + this.shapes.length;
  }
  paint(depth) {
    const r = this.renderLevel(depth);
    return (r * 3) % 1000003;
  }
  composite(depth) {
    const r = this.renderLevel(depth);
    return r ^ depth;
  }
  rasterize() {
    let acc = 0;
    for (const s of this.shapes) {
      for (let y = -s.r; y <= s.r; y++) for (let x = -s.r; x <= s.r; x++) if (x * x + y * y <= s.r * s.r) acc += (s.x + x) * (s.y + y);
    }
    return acc % 1000003;
  }
}

function parseJSONish(depth, seed) {
  // Builds nested JSON text, then parses and walks it recursively.
  let text = '';
  for (let i = 0; i < depth; i++) text += `{"k${i}":[${seed % (i + 3)},`;
  text += '"leaf"';
  for (let i = 0; i < depth; i++) text += ']}';
  return walkValue(JSON.parse(text));
}

function walkValue(v) {
  if (Array.isArray(v)) return v.reduce((a, x) => a + walkValue(x), 0);
  if (v !== null && typeof v === 'object') {
    let s = 0;
    for (const k of Object.keys(v)) s += k.length + walkValue(v[k]);
    return s;
  }
  return typeof v === 'number' ? v : String(v).length;
}

const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

function regexWork(seed) {
  const words = [];
  for (let i = 0; i < 200; i++) words.push(`user-${(seed * i) % 1013}@host${i % 17}.example`);
  const re = /^([a-z]+)-(\d+)@host(\d+)\.example$/;
  let n = 0;
  for (const w of words) {
    const m = re.exec(w);
    if (m) n += Number(m[2]) + Number(m[3]);
  }
  return n;
}

function round(r, id) {
  const seed = r * 7919 + id * 104729;
  switch (r % 4) {
    case 0:
      return new Scene(seed).renderLevel(18 + (r % 12));
    case 1:
      return parseJSONish(30 + (r % 20), seed);
    case 2:
      return fib(18 + (r % 4));
    default:
      return regexWork(seed);
  }
}

function run(rounds, id) {
  let acc = 0;
  for (let r = 0; r < rounds; r++) acc = (acc + round(r, id)) % 1000000007;
  return acc;
}

if (isMainThread) {
  const workers = Number(process.argv[2] ?? 3);
  const rounds = Number(process.argv[3] ?? 2000);
  const done = [];
  for (let i = 1; i <= workers; i++) {
    const w = new Worker(new URL(import.meta.url), { workerData: { id: i, rounds } });
    done.push(new Promise((resolve, reject) => {
      w.on('message', resolve);
      w.on('error', reject);
    }));
  }
  const mine = run(rounds, 0);
  const theirs = await Promise.all(done);
  console.log(`jswork: ${workers + 1} threads x ${rounds} rounds, sink ${[mine, ...theirs].reduce((a, b) => (a + b) % 1000000007, 0)}`);
} else {
  parentPort.postMessage(run(workerData.rounds, workerData.id));
}
