// One measurement in a fresh process (so peak RSS belongs to this input alone):
// inflate + decode + aggregate a profile exactly as the worker (or the CLI) does, print JSON.
//   node --expose-gc --import tsx bench/decode-one.ts <file> [pako|native|node]
// Inflaters: native = DecompressionStream, the worker's (Node's implementation here);
// node = node:zlib in 1 MiB pieces, the CLI's (src/cli/inflate.ts); pako = the portable one.
// native and node feed the decoder while they inflate.

import { existsSync, readFileSync } from 'node:fs';
import { analyze } from '../src/analysis/query';
import { decodeAny } from '../src/formats';
import { gunzipNode } from '../src/cli/inflate';
import { gunzip, gunzipNative, isGzip } from '../src/formats/gzip';

const [file, inflater = 'pako'] = process.argv.slice(2);
const input = new Uint8Array(readFileSync(file));
let rawBytes = input.length;
let inflateMs = 0;

/** CPU time of the main thread alone (Linux: /proc, in 10 ms ticks), the part a browser
 * worker would spend; null elsewhere. */
function mainThreadCpuMs(): number | null {
  const stat = `/proc/self/task/${process.pid}/stat`;
  if (!existsSync(stat)) return null;
  const f = readFileSync(stat, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, USER_HZ = 100
}

const main0 = mainThreadCpuMs();
const t0 = performance.now();
const decoded = await decodeAny(input, {
  // As the worker does: the native inflater hands each chunk to the pprof decoder (soFar).
  gunzip: async (b, onProgress, maxBytes, soFar) => {
    const s = performance.now();
    const out =
      inflater === 'native' ? await gunzipNative(b, onProgress, maxBytes, soFar) : inflater === 'node' ? await gunzipNode(b, onProgress, maxBytes, soFar) : gunzip(b, onProgress, maxBytes);
    inflateMs = performance.now() - s;
    rawBytes = out.length;
    return out;
  },
});
const t1 = performance.now();
const p = decoded.profile;
const result = analyze(p, { sampleType: p.defaultSampleType, inverted: false, tagFocus: [], focusKey: null });
const t2 = performance.now();
const cpu = process.cpuUsage();
const main1 = mainThreadCpuMs();
const decodeMs = t1 - t0 - inflateMs;
const aggregateMs = t2 - t1;
console.log(
  JSON.stringify({
    file,
    inflater,
    compressedBytes: isGzip(input) ? input.length : 0,
    rawBytes,
    samples: p.samples.length,
    locations: p.locations.length,
    functions: p.funcs.length,
    stacks: p.stacks.length,
    callNodes: result.tree.length,
    inflateMs,
    decodeMs,
    aggregateMs,
    totalMs: t2 - t0,
    /** Both threads' CPU (in Node the inflate runs on the threadpool, beside the decode; whole process). */
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainThreadCpuMs: main0 === null || main1 === null ? null : main1 - main0,
    rawMBps: rawBytes / 1e6 / ((t2 - t0) / 1000),
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
