// Go crash / goroutine dump importer: parse (src/formats/godump/parse.ts) and model.

export { parseGoDump, groupGoroutines, isMapFunc, isRuntimeFunc, mapCall, parseLabelSet, type ParseGoDumpOptions } from './parse';
export type * from './model';

const DUMP_LINE = [
  /^goroutine \d+ (?:[a-z]+=\S+ )*\[/m, // goroutine header, with or without gp= m= mp=
  /^goroutine profile: total \d+$/m, // pprof debug=1
  /^(?:panic: |fatal error: )/m,
  /^SIG[A-Z0-9]+: [a-z]/m, // SIGQUIT: quit, SIGABRT: abort, …
];

/**
 * Cheap test on the start of a text file (say its first 64 KiB): does it look like Go
 * crash output or a goroutine dump? Program output may precede the dump, so it searches
 * every line of the head, not only the first.
 */
export function looksLikeGoDump(head: string): boolean {
  return DUMP_LINE.some((re) => re.test(head));
}
