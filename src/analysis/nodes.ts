// Function nodes: the identity a flame graph box or a top-table row has. pprof's
// default granularity ("functions") keys a node by the function's name alone (file and
// line are cleared by Profile.Aggregate), so two Function rows with the same name are
// one node. The name is the one `go tool pprof` prints: its symbolizer simplifies names
// that look like demangled C++ (argument lists and template arguments removed).
// Computed once per profile and cached.

import { FuncKind, type StackProfile } from '../model/profile';

export interface FuncNodes {
  /** node key per function row */
  nodeOfFunc: Int32Array;
  /** node key per frame row (frames map to their function's node) */
  nodeOfFrame: Int32Array;
  names: string[];
  /** The function's name as recorded, before pprof's simplification. */
  fullNames: string[];
  /** FuncKind of the first function with this name. */
  kinds: Uint8Array;
  /** Source file of the first function with this name ("" when unknown). */
  files: string[];
}

const cache = new WeakMap<StackProfile, FuncNodes>();

export function funcNodes(p: StackProfile): FuncNodes {
  let n = cache.get(p);
  if (n) return n;
  const byName = new Map<string, number>();
  const names: string[] = [];
  const files: string[] = [];
  const fullNames: string[] = [];
  const kinds: number[] = [];
  const nodeOfFunc = new Int32Array(p.funcs.length);
  for (let f = 0; f < p.funcs.length; f++) {
    const full = p.strings[p.funcs.name[f]];
    const name = pprofDisplayName(full, p.strings[p.funcs.systemName[f]]);
    let k = byName.get(name);
    if (k === undefined) {
      k = names.length;
      byName.set(name, k);
      names.push(name);
      fullNames.push(full);
      files.push(p.strings[p.funcs.fileName[f]]);
      kinds.push(p.funcs.kind[f]);
    }
    nodeOfFunc[f] = k;
  }
  const nodeOfFrame = new Int32Array(p.frames.length);
  for (let i = 0; i < p.frames.length; i++) {
    let k = nodeOfFunc[p.frames.func[i]];
    if (names[k] === '') {
      // pprof names a frame whose function name is empty (here: simplified to nothing)
      // after the location's mapping, like an unsymbolized frame.
      const loc = p.frames.location[i];
      const m = loc >= 0 ? p.locations.mapping[loc] : -1;
      const file = m >= 0 ? p.strings[p.mappings.fileName[m]] : '';
      const name = file ? `[${file.slice(file.lastIndexOf('/') + 1)}]` : '<unknown>';
      let mk = byName.get(name);
      if (mk === undefined) {
        mk = names.length;
        byName.set(name, mk);
        names.push(name);
        fullNames.push(name);
        files.push('');
        kinds.push(FuncKind.Unsymbolized);
      }
      k = mk;
    }
    nodeOfFrame[i] = k;
  }
  n = { nodeOfFunc, nodeOfFrame, names, fullNames, kinds: Uint8Array.from(kinds), files };
  cache.set(p, n);
  return n;
}

/**
 * pprof symbolizer's demangleSingleFunction for names it cannot demangle: a name that
 * differs from its system name is kept; otherwise a name that looks like demangled C++
 * loses its (...) and <...> groups.
 */
export function pprofDisplayName(name: string, systemName: string): string {
  if (name !== '' && systemName !== name) return name;
  let n = systemName;
  if (looksLikeDemangledCPlusPlus(n)) n = removeMatching(removeMatching(n, '(', ')'), '<', '>');
  return n;
}

function looksLikeDemangledCPlusPlus(s: string): boolean {
  if (s.includes('.<')) return false; // Java "class.<init>"
  if (s.includes(']).')) return false; // Go "pkg.(*T[...]).Method"
  return /[<>[\]]/.test(s) || s.includes('::');
}

/** Removes nested start..end groups; a stray closer leaves the name as it was. */
export function removeMatching(name: string, start: string, end: string): string {
  let nesting = 0;
  let first = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === start) {
      if (++nesting === 1) first = i;
    } else if (c === end) {
      nesting--;
      if (nesting < 0) return name;
      if (nesting === 0) {
        name = name.slice(0, first) + name.slice(i + 1);
        i = first - 1;
      }
    }
  }
  return name;
}
