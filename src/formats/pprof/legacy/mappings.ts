// Memory maps and id remapping, after pprof's ParseMemoryMapFromScanner,
// parseProcMapsFromScanner, parseMappingEntry, massageMappings, remapLocationIDs,
// remapFunctionIDs and remapMappingIDs (profile/legacy_profile.go, profile/profile.go).

import { GoReplacer, NS, S, XD, parseUint, trimSpace, u64 } from './goutil';
import type { LineScanner } from './lines';
import type { LFunction, LLocation, LMapping, LProfile } from './types';

const cHex = `(?:0x)?(${XD}+)`;
const cHexRange = `${S}*${cHex}[\\t\\n\\f\\r -]?${S}*${cHex}:?`;
const cPerm = `(?:${S}+([-rwxp]+))?`;
const cSpaceHex = `(?:${S}+(${XD}+))?`;
const cSpaceString = `(?:${S}+(${NS}+))?`;
const cSpaceAtOffset = `(?:${S}+\\(@(${XD}+)\\))?`;
const hexPair = `${S}+${XD}+:${XD}+`;
const spaceDigits = `${S}+[0-9]+`;

/** /proc/self/maps: `start-end perms offset dev inode [path]`. */
const procMapsRE = new RegExp(`^${cHexRange}${cPerm}${cSpaceHex}${hexPair}${spaceDigits}${cSpaceString}`);
/** Brief form: `start-end[:] [perms] [path] [(@offset)] [buildid]`. */
const briefMapsRE = new RegExp(`^${cHexRange}${cPerm}${cSpaceString}${cSpaceAtOffset}${cSpaceHex}`);
/** glog prefix `... file:line] `. */
const logInfoRE = new RegExp(`^[^\\[\\]]+:[0-9]+\\]${S}`);

const SENTINELS = ['--- Memory map: ---', 'MAPPED_LIBRARIES:'];

export function isMemoryMapSentinel(line: string): boolean {
  return line.includes(SENTINELS[0]) || line.includes(SENTINELS[1]);
}

function removeLoggingInfo(line: string): string {
  const m = logInfoRE.exec(line);
  return m ? line.slice(m[0].length) : line;
}

/** A mapping, null for a non-executable entry (skipped), undefined when the line is not a map entry. */
export function parseMappingEntry(l: string): LMapping | null | undefined {
  let start: string, end: string, perm: string, file: string, offset: string;
  let buildId = '';
  let me = procMapsRE.exec(l);
  if (me) {
    [start, end, perm, offset, file] = [me[1], me[2], me[3] ?? '', me[4] ?? '', me[5] ?? ''];
  } else if ((me = briefMapsRE.exec(l))) {
    [start, end, perm, file, offset, buildId] = [me[1], me[2], me[3] ?? '', me[4] ?? '', me[5] ?? '', me[6] ?? ''];
  } else return undefined;
  if (perm !== '' && !perm.includes('x')) return null;
  const s = parseUint(start, 16);
  const e = parseUint(end, 16);
  if (s === null || e === null) return undefined;
  let off = 0n;
  if (offset !== '') {
    const o = parseUint(offset, 16);
    if (o === null) return undefined;
    off = o;
  }
  return { start: s, limit: e, offset: off, file, buildId };
}

/** parseProcMapsFromScanner: every remaining line; `key=value` lines define `$key` substitutions. */
export function parseProcMaps(s: LineScanner): LMapping[] {
  const out: LMapping[] = [];
  const r = new GoReplacer();
  while (s.scan()) {
    const line = r.replace(removeLoggingInfo(s.text));
    const m = parseMappingEntry(line);
    if (m === undefined) {
      const eq = line.indexOf('=');
      if (eq >= 0) r.add('$' + trimSpace(line.slice(0, eq)), trimSpace(line.slice(eq + 1)));
      continue;
    }
    if (m) out.push(m);
  }
  return out;
}

function adjacent(m1: LMapping, m2: LMapping): boolean {
  if (m1.file !== '' && m2.file !== '' && m1.file !== m2.file) return false;
  if (m1.buildId !== '' && m2.buildId !== '' && m1.buildId !== m2.buildId) return false;
  if (m1.limit !== m2.start) return false;
  if (m1.offset !== 0n && m2.offset !== 0n) {
    if (u64(m1.offset + u64(m1.limit - m1.start)) !== m2.offset) return false;
  }
  return true;
}

const libRx = /[.]so$|[.]so[._][0-9]+/;

/** massageMappings: merge split ranges of one file, then swap the guessed main binary to the front. */
export function massageMappings(p: LProfile): void {
  if (p.mappings.length > 1) {
    // Legacy parsers attach locations to mappings only later; skip the no-op relinking scan.
    const linked = p.locations.some((l) => l.mapping !== null);
    const merged: LMapping[] = [p.mappings[0]];
    for (const m of p.mappings.slice(1)) {
      const lm = merged[merged.length - 1];
      if (adjacent(lm, m)) {
        lm.limit = m.limit;
        if (m.file !== '') lm.file = m.file;
        if (m.buildId !== '') lm.buildId = m.buildId;
        if (linked) for (const l of p.locations) if (l.mapping === m) l.mapping = lm;
        continue;
      }
      merged.push(m);
    }
    p.mappings = merged;
  }
  const ms = p.mappings;
  for (let i = 0; i < ms.length; i++) {
    const file = trimSpace(ms[i].file.split('(deleted)').join(''));
    if (file.length === 0 || libRx.test(file) || file[0] === '[') continue;
    [ms[0], ms[i]] = [ms[i], ms[0]];
    break;
  }
}

/** remapLocationIDs: keep the locations samples reference, in order of first use. */
export function remapLocations(p: LProfile): void {
  const seen = new Set<LLocation>();
  const locs: LLocation[] = [];
  for (const s of p.samples) {
    for (const l of s.locs) {
      if (seen.has(l)) continue;
      seen.add(l);
      locs.push(l);
    }
  }
  p.locations = locs;
}

/** remapFunctionIDs: keep the functions those locations reference, in order of first use. */
export function remapFunctions(p: LProfile): void {
  const seen = new Set<LFunction>();
  const fns: LFunction[] = [];
  for (const l of p.locations) {
    for (const ln of l.lines) {
      if (seen.has(ln.fn)) continue;
      seen.add(ln.fn);
      fns.push(ln.fn);
    }
  }
  p.functions = fns;
}

/** remapMappingIDs: heuristics for the main binary, then attach each location to a mapping (or a fake one). */
export function remapMappings(p: LProfile): void {
  if (p.mappings.length > 0) {
    const m = p.mappings[0];
    if (m.file.startsWith('/anon_hugepage') && p.mappings.length > 1 && m.limit === p.mappings[1].start) {
      p.mappings = p.mappings.slice(1);
    }
  }
  if (p.mappings.length > 0) {
    const m = p.mappings[0];
    if (u64(m.start - m.offset) === 0x400000n) {
      m.start = 0x400000n;
      m.offset = 0n;
    }
  }
  let fake: LMapping | null = null;
  next: for (const l of p.locations) {
    const a = l.address;
    if (l.mapping !== null || a === 0n) continue;
    for (const m of p.mappings) {
      if (m.start <= a && a < m.limit) {
        l.mapping = m;
        continue next;
      }
    }
    // Legacy handlers may omit the first part of a mapping split into adjacent ranges.
    for (const m of p.mappings) {
      if (m.offset !== 0n && u64(m.start - m.offset) <= a && a < m.start) {
        m.start = u64(m.start - m.offset);
        m.offset = 0n;
        l.mapping = m;
        continue next;
      }
    }
    if (fake === null) {
      fake = { start: 0n, limit: 0xffffffffffffffffn, offset: 0n, file: '', buildId: '' };
      p.mappings.push(fake);
    }
    l.mapping = fake;
  }
}

/** ParseMemoryMapFromScanner: the remaining lines are a memory map; then renumber everything. */
export function parseMemoryMapFromScanner(s: LineScanner, p: LProfile): void {
  p.mappings.push(...parseProcMaps(s));
  massageMappings(p);
  remapLocations(p);
  remapFunctions(p);
  remapMappings(p);
}

/** parseAdditionalSections: skip to a memory-map sentinel, then parse the map after it. */
export function parseAdditionalSections(s: LineScanner, p: LProfile): void {
  while (!isMemoryMapSentinel(s.text) && s.scan()) {
    /* skip */
  }
  parseMemoryMapFromScanner(s, p);
}
