// From the parsed legacy profile to the shared model: pprof's addLegacyFrameInfo
// (built-in drop_frames lists), RemoveUninteresting (the pruning `go tool pprof` applies
// on load), and the synthetic names `go tool pprof -top` shows for unsymbolized frames.

import { ProfileBuilder } from '../../../model/builder';
import { FuncKind, type StackProfile } from '../../../model/profile';
import { compileFrameFilter, simplifyFuncName } from '../prune';
import type { LFunction, LLocation, LMapping, LProfile } from './types';

const allocRxStr = [
  // POSIX entry points.
  'calloc',
  'cfree',
  'malloc',
  'free',
  'memalign',
  'do_memalign',
  '(__)?posix_memalign',
  'pvalloc',
  'valloc',
  'realloc',
  // TC malloc.
  'tcmalloc::.*',
  'tc_calloc',
  'tc_cfree',
  'tc_malloc',
  'tc_free',
  'tc_memalign',
  'tc_posix_memalign',
  'tc_pvalloc',
  'tc_valloc',
  'tc_realloc',
  'tc_new',
  'tc_delete',
  'tc_newarray',
  'tc_deletearray',
  'tc_new_nothrow',
  'tc_newarray_nothrow',
  // Memory-allocation routines on OS X.
  'malloc_zone_malloc',
  'malloc_zone_calloc',
  'malloc_zone_valloc',
  'malloc_zone_realloc',
  'malloc_zone_memalign',
  'malloc_zone_free',
  // Go runtime.
  'runtime\\..*',
  // Other misc. memory allocation routines.
  'BaseArena::.*',
  '(::)?do_malloc_no_errno',
  '(::)?do_malloc_pages',
  '(::)?do_malloc',
  'DoSampledAllocation',
  'MallocedMemBlock::MallocedMemBlock',
  '_M_allocate',
  '__builtin_(vec_)?delete',
  '__builtin_(vec_)?new',
  '__gnu_cxx::new_allocator::allocate',
  '__libc_malloc',
  '__malloc_alloc_template::allocate',
  'allocate',
  'cpp_alloc',
  'operator new(\\[\\])?',
  'simple_alloc::allocate',
].join('|');

/** Go runtime frames worth keeping in the middle of a heap stack. */
const allocSkipRxStr = ['runtime\\.panic', 'runtime\\.reflectcall', 'runtime\\.call[0-9]*'].join('|');

const cpuProfilerRxStr = [
  'ProfileData::Add',
  'ProfileData::prof_handler',
  'CpuProfiler::prof_handler',
  '__pthread_sighandler',
  '__restore',
].join('|');

const lockRxStr = [
  'RecordLockProfileData',
  '(base::)?RecordLockProfileData.*',
  '(base::)?SubmitMutexProfileData.*',
  '(base::)?SubmitSpinLockProfileData.*',
  '(base::Mutex::)?AwaitCommon.*',
  '(base::Mutex::)?Unlock.*',
  '(base::Mutex::)?UnlockSlow.*',
  '(base::Mutex::)?ReaderUnlock.*',
  '(base::MutexLock::)?~MutexLock.*',
  '(Mutex::)?AwaitCommon.*',
  '(Mutex::)?Unlock.*',
  '(Mutex::)?UnlockSlow.*',
  '(Mutex::)?ReaderUnlock.*',
  '(MutexLock::)?~MutexLock.*',
  '(SpinLock::)?Unlock.*',
  '(SpinLock::)?SlowUnlock.*',
  '(SpinLockHolder::)?~SpinLockHolder.*',
].join('|');

const heapzSampleTypes = [
  ['allocations', 'size'], // early Go pprof profiles
  ['objects', 'space'],
  ['inuse_objects', 'inuse_space'],
  ['alloc_objects', 'alloc_space'],
  ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'],
];
const contentionzSampleTypes = [['contentions', 'delay']];

function isProfileType(p: LProfile, types: string[][]): boolean {
  return types.some((t) => t.length === p.sampleTypes.length && t.every((name, i) => p.sampleTypes[i].type === name));
}

/** pprof addLegacyFrameInfo: drop/keep patterns chosen from the sample types. */
export function addLegacyFrameInfo(p: LProfile): void {
  if (isProfileType(p, heapzSampleTypes)) {
    p.dropFrames = allocRxStr;
    p.keepFrames = allocSkipRxStr;
  } else if (isProfileType(p, contentionzSampleTypes)) {
    p.dropFrames = lockRxStr;
    p.keepFrames = '';
  } else {
    p.dropFrames = cpuProfilerRxStr;
    p.keepFrames = '';
  }
}

/** Profile.RemoveUninteresting → Prune: cut each stack at the first dropped frame below a kept one. */
export function removeUninteresting(p: LProfile): void {
  const filter = compileFrameFilter(p.dropFrames, p.keepFrames, p.warnings);
  if (!filter) return;
  const cache = new Map<string, boolean>();
  const pruneFrom = (fn: LFunction): boolean => {
    // Names pprof itself never sees (Go count comments) must not change its numbers.
    if (fn.name === '' || fn.fromComment) return false;
    let v = cache.get(fn.name);
    if (v === undefined) {
      v = filter(simplifyFuncName(fn.name));
      cache.set(fn.name, v);
    }
    return v;
  };
  const prune = new Set<LLocation>();
  const beneath = new Set<LLocation>();
  for (const loc of p.locations) {
    let i = loc.lines.length - 1;
    for (; i >= 0; i--) if (pruneFrom(loc.lines[i].fn)) break;
    if (i < 0) continue;
    beneath.add(loc);
    if (i === loc.lines.length - 1) prune.add(loc);
    else loc.lines = loc.lines.slice(i + 1);
  }
  if (beneath.size === 0) return;
  for (const s of p.samples) {
    let foundUser = false;
    for (let i = s.locs.length - 1; i >= 0; i--) {
      const l = s.locs[i];
      if (!prune.has(l) && !beneath.has(l)) {
        foundUser = true;
        continue;
      }
      if (!foundUser) continue;
      s.locs = prune.has(l) ? s.locs.slice(i + 1) : s.locs.slice(i);
      break;
    }
  }
}

/** The profile in the shared model, with pprof's mapping and location order. */
export function buildStackProfile(p: LProfile): StackProfile {
  const b = new ProfileBuilder(p.sampleTypes.length);
  b.warnings.push(...p.warnings);
  const mapRow = new Map<LMapping, number>();
  for (const m of p.mappings) {
    mapRow.set(m, b.mapping({ start: m.start, limit: m.limit, offset: m.offset, fileName: m.file, buildId: m.buildId }));
  }
  const fnRow = new Map<LFunction, number>();
  const locRow = new Map<LLocation, number>();
  const addLocation = (l: LLocation): number => {
    const m = l.mapping ? (mapRow.get(l.mapping) ?? -1) : -1;
    // No lines, or a function without a name (func -1): the builder names the frame after its mapping.
    const frames = l.lines.map((ln) => {
      if (ln.fn.name === '') return { func: -1, line: ln.line };
      let f = fnRow.get(ln.fn);
      if (f === undefined) {
        f = b.func(ln.fn.name, { systemName: ln.fn.systemName, fileName: ln.fn.filename, kind: FuncKind.User });
        fnRow.set(ln.fn, f);
      }
      return { func: f, line: ln.line };
    });
    const row = b.location(l.address, m, frames);
    locRow.set(l, row);
    return row;
  };
  for (const l of p.locations) addLocation(l);
  for (const s of p.samples) {
    const rows = s.locs.map((l) => locRow.get(l) ?? addLocation(l));
    b.sample(rows, s.values, s.bytes === undefined ? undefined : [{ key: 'bytes', num: s.bytes }]);
  }
  return b.finish({
    format: 'pprof-legacy',
    encoding: p.encoding,
    sampleTypes: p.sampleTypes,
    periodType: p.periodType,
    period: p.period,
    durationNanos: p.durationNanos,
    dropFrames: p.dropFrames,
    keepFrames: p.keepFrames,
  });
}
