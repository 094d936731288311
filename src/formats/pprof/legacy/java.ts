// Java heapz / contentionz text and the symbol table shared with the Java binary CPU
// profile, after pprof's parseJavaProfile / parseJavaHeader / parseJavaSamples /
// parseJavaLocations (profile/legacy_java_profile.go).

import { S, XD, baseName, parseInt64, parseUint, quote, trimSpace } from './goutil';
import { decodeText, lineAt } from './lines';
import { remapFunctions, remapLocations, remapMappings } from './mappings';
import {
  LocationTable,
  Unrecognized,
  lineError,
  newProfile,
  offsetError,
  parseHexAddresses,
  type LFunction,
  type LLocation,
  type LProfile,
  type ParseResult,
} from './types';

const attributeRx = /([\w ]+)=([\w ]+)/;
const javaSampleRx = / *(\d+) +(\d+) +@ +([ x0-9a-f]*)/;
const javaLocationRx = new RegExp(`^${S}*0x(${XD}+)${S}+([^\\n]*)${S}*$`);
const javaLocationFileLineRx = new RegExp(`^([^\\n]*)${S}+\\(([^\\n]+):(-?[0-9]+)\\)$`);
const javaLocationPathRx = new RegExp(`^([^\\n]*)${S}+\\(([^\\n]*)\\)$`);

const JAVA_HEAPZ_SAMPLING_RATE = 524288n;

/** Scales a sampled heap row by 1/(1-exp(-avg/rate)), as pprof's scaleHeapSample. */
export function scaleHeapSample(count: bigint, size: bigint, rate: bigint): [number, number] {
  if (count === 0n || size === 0n) return [0, 0];
  if (rate <= 1n) return [Number(count), Number(size)];
  const c = Number(count);
  const s = Number(size);
  const avg = s / c;
  const scale = 1 / (1 - Math.exp(-avg / Number(rate)));
  return [Math.trunc(c * scale), Math.trunc(s * scale)];
}

/** The '\n'-terminated line starting at `pos`, or null when no '\n' follows (bytes.IndexByte loops stop there). */
function terminatedLine(b: Uint8Array, pos: number): { text: string; next: number } | null {
  const nl = b.indexOf(10, pos);
  if (nl < 0) return null;
  return { text: trimSpace(decodeText(b, pos, nl)), next: nl + 1 };
}

export function parseJavaProfile(b: Uint8Array): ParseResult {
  const nl = b.indexOf(10);
  if (nl < 0) return new Unrecognized();
  const header = trimSpace(decodeText(b, 0, nl + 1));
  let pType: 'heap' | 'contention';
  if (header === '--- heapz 1 ---') pType = 'heap';
  else if (header === '--- contentionz 1 ---') pType = 'contention';
  else return new Unrecognized();

  const p = newProfile(`legacy Java ${pType === 'heap' ? 'heapz' : 'contentionz'} profile (text)`, [], { type: '', unit: '' }, 0);
  const afterHeader = parseJavaHeader(pType, b, nl + 1, p);
  if (afterHeader instanceof Unrecognized) return afterHeader;
  const afterSamples = parseJavaSamples(pType, b, afterHeader, p);
  parseJavaLocations(b, afterSamples.pos, afterSamples.locs, p);
  return p;
}

function parseJavaHeader(pType: string, b: Uint8Array, pos: number, p: LProfile): number | Unrecognized {
  for (let l = terminatedLine(b, pos); l; pos = l.next, l = terminatedLine(b, pos)) {
    const line = l.text;
    if (line === '') continue;
    const h = attributeRx.exec(line);
    if (!h) return pos; // not an attribute: the samples start here
    const attribute = trimSpace(h[1]);
    const value = trimSpace(h[2]);
    const where = () => lineAt(b, pos);
    switch (`${pType}/${attribute}`) {
      case 'heap/format':
      case 'cpu/format':
      case 'contention/format':
        if (value !== 'java') {
          return new Unrecognized(lineError(where(), `format = ${quote(value)}; expected "java" in a Java ${pType}z profile`));
        }
        break;
      case 'heap/resolution':
        p.sampleTypes = [
          { type: 'inuse_objects', unit: 'count' },
          { type: 'inuse_space', unit: value },
        ];
        break;
      case 'contention/resolution':
        p.sampleTypes = [
          { type: 'contentions', unit: 'count' },
          { type: 'delay', unit: value },
        ];
        break;
      case 'contention/sampling period': {
        p.periodType = { type: 'contentions', unit: 'count' };
        const v = parseInt64(value, 0);
        if (v === null) throw lineError(where(), `failed to parse attribute ${quote(line)}; expected an integer sampling period`);
        p.period = Number(v);
        break;
      }
      case 'contention/ms since reset': {
        const v = parseInt64(value, 0);
        if (v === null) throw lineError(where(), `failed to parse attribute ${quote(line)}; expected an integer number of milliseconds`);
        p.durationNanos = Number(BigInt.asIntN(64, v * 1000000n));
        break;
      }
      default:
        return new Unrecognized(
          lineError(
            where(),
            `unknown attribute ${quote(attribute)} in a Java ${pType}z profile; expected ${pType === 'heap' ? 'format or resolution' : 'format, resolution, sampling period or ms since reset'}`,
          ),
        );
    }
  }
  return pos;
}

function parseJavaSamples(pType: string, b: Uint8Array, pos: number, p: LProfile): { pos: number; locs: LocationTable } {
  const locs = new LocationTable(p);
  for (let l = terminatedLine(b, pos); l; pos = l.next, l = terminatedLine(b, pos)) {
    const line = l.text;
    if (line === '') continue;
    const sample = javaSampleRx.exec(line);
    if (!sample) break; // not a sample: the symbol table starts here
    const where = () => lineAt(b, pos);
    // Java rows are inverted compared to the C++ ones: size (or delay) first, then count.
    const addrs = parseHexAddresses(sample[3]);
    if (typeof addrs === 'string') throw lineError(where(), `malformed sample ${quote(line)}: failed to parse as hex 64-bit number: ${addrs}`);
    const sloc: LLocation[] = addrs.map((a) => locs.get(a));
    const v0 = parseInt64(sample[2], 0);
    const v1 = parseInt64(sample[1], 0);
    if (v0 === null || v1 === null) throw lineError(where(), `parsing sample ${quote(line)}: expected decimal integers that fit in 64 bits`);
    let values: number[];
    let bytes: number | undefined;
    if (pType === 'heap') {
      if (v0 === 0n) throw lineError(where(), `parsing sample ${quote(line)}: second value must be non-zero (expected BYTES COUNT @ ADDRS with COUNT > 0)`);
      bytes = Number(v1 / v0);
      values = scaleHeapSample(v0, v1, JAVA_HEAPZ_SAMPLING_RATE);
    } else if (p.period !== 0) {
      const period = BigInt(p.period);
      values = [Number(BigInt.asIntN(64, v0 * period)), Number(BigInt.asIntN(64, v1 * period))];
    } else values = [Number(v0), Number(v1)];
    p.samples.push(bytes === undefined ? { locs: sloc, values } : { locs: sloc, values, bytes });
  }
  return { pos, locs };
}

/**
 * The symbol table `0xADDR function (file:line)` / `0xADDR function (lib.so)` / `... generated
 * stub/JIT` / bare names such as GC and VM. Symbolizes the sampled locations, renumbers,
 * and (pprof's Aggregate(address=false)) zeroes every address.
 */
export function parseJavaLocations(b: Uint8Array, pos: number, locs: LocationTable, p: LProfile, binary = false): void {
  const fns = new Map<string, LFunction>();
  while (pos < b.length) {
    const nl = b.indexOf(10, pos);
    const stop = nl < 0 ? b.length : nl;
    const at = pos;
    const line = trimSpace(decodeText(b, pos, stop));
    pos = nl < 0 ? b.length : nl + 1;
    if (line === '') continue;
    const jloc = javaLocationRx.exec(line);
    if (!jloc) continue;
    const addr = parseUint(jloc[1], 16);
    if (addr === null) {
      const msg = `parsing symbol ${quote(line)}: expected a 64-bit hex address`;
      throw binary ? offsetError(at, msg) : lineError(lineAt(b, at), msg);
    }
    const loc = locs.lookup(addr);
    if (!loc) continue; // unused symbol
    let lineFunc: string;
    let lineFile = '';
    let lineNo = 0;
    const rest = jloc[2];
    const fileLine = javaLocationFileLineRx.exec(rest);
    let filePath: RegExpExecArray | null;
    if (fileLine) {
      lineFunc = fileLine[1];
      lineFile = fileLine[2];
      const n = parseInt64(fileLine[3], 10);
      if (n !== null && n > 0n) lineNo = Number(n);
    } else if ((filePath = javaLocationPathRx.exec(rest))) {
      // A shared library path rather than file:line; keep just the library name.
      lineFunc = filePath[1];
      lineFile = baseName(filePath[2]);
    } else if (rest.includes('generated stub/JIT')) {
      lineFunc = 'STUB';
    } else {
      lineFunc = rest; // agent-internal states such as "GC" or "VM"
    }
    let fn = fns.get(lineFunc);
    if (!fn) {
      fn = { name: lineFunc, systemName: lineFunc, filename: lineFile, fromComment: false };
      fns.set(lineFunc, fn);
      p.functions.push(fn);
    }
    loc.lines = [{ fn, line: lineNo }];
    loc.address = 0n;
  }
  remapLocations(p);
  remapFunctions(p);
  remapMappings(p);
  // Aggregate(address=false) strips the addresses of the remaining (unsymbolized) ones too.
  for (const l of p.locations) l.address = 0n;
  // CheckValid (run by Aggregate).
  if (p.sampleTypes.length === 0 && p.samples.length > 0) {
    throw lineError(1, 'Java profile has samples but no "resolution = ..." attribute; expected one to name the sample types (missing sample type information)');
  }
}
