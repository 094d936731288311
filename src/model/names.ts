// How a function's name becomes the name every view prints — and so its identity.
// pprof's symbolizer (demangleSingleFunction) rewrites names it cannot demangle but that
// look like demangled C++: argument lists and template arguments are removed. We apply
// the same rule so our tables have exactly `go tool pprof`'s rows.

/**
 * The printed name of a pprof Function: a name that differs from its system name is kept
 * as is; otherwise the system name, simplified when it looks like demangled C++.
 * An empty result means "no name": the frame is named after its mapping instead.
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

/** pprof's name for a frame without a function name: its mapping's file, or "<unknown>". */
export function unsymbolizedName(mappingFile: string): string {
  return mappingFile ? `[${mappingFile.slice(mappingFile.lastIndexOf('/') + 1)}]` : '<unknown>';
}
