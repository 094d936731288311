// What the Go runtime's map functions do, in terms of the layout the Map view draws:
// one entry per function (or family of fast-path variants) of the classic implementation
// (runtime/map*.go, Go ≤ 1.23 and GOEXPERIMENT=noswissmap in 1.24–1.25) and of the Swiss
// tables (internal/runtime/maps, Go 1.24+), with the Go versions it exists in, the
// counters it reads or changes, and a simulator script that shows it happening.
//
// Names are matched as profiles, perf and goroutine dumps print them. Since Go 1.24 the
// compiler-called entry points keep their classic names (`runtime.mapassign_faststr`…)
// but are implemented in internal/runtime/maps and pushed into package runtime with
// //go:linkname, so a name alone does not say which layout a program used; the entries
// say so. Sources read: the Go 1.26.8 tree on this machine (internal/runtime/maps,
// runtime/map*.go, runtime/linkname_shim.go, runtime/pprof/protomem.go), golang/go's
// runtime/map_noswiss.go, runtime/map_swiss.go and runtime/linkname_swiss.go (1.24–1.25),
// and ../shared/docs/go-maps-and-dumps.md for Go ≤ 1.23.
//
// Pure data and matching; no DOM (the CLI and the worker use it too).

/** A counter of the map header or of a table, as the Map view's statistics show it. */
export type MapCounter =
  | 'count'
  | 'used'
  | 'capacity'
  | 'growthLeft'
  | 'tombstones'
  | 'load'
  | 'tables'
  | 'writing'
  | 'seed'
  | 'clearSeq'
  | 'B'
  | 'growThreshold'
  | 'overflow'
  | 'noverflow'
  | 'emptyOne'
  | 'evacuation'
  | 'flags'
  | 'memory';

export const COUNTER_LABELS: Record<MapCounter, string> = {
  count: 'count (len)',
  used: 'used (slots full)',
  capacity: 'capacity (slots)',
  growthLeft: 'growth left',
  tombstones: 'tombstones',
  load: 'load',
  tables: 'tables / directory / depth',
  writing: 'writing flag',
  seed: 'seed (hash0)',
  clearSeq: 'clearSeq',
  B: 'B (log2 buckets)',
  growThreshold: 'grows at count',
  overflow: 'overflow buckets',
  noverflow: 'noverflow',
  emptyOne: 'emptyOne cells',
  evacuation: 'evacuated / not yet',
  flags: 'flags (hashWriting, iterator, sameSizeGrow)',
  memory: 'bytes held vs needed',
};

export type MapLayoutKind = 'swiss' | 'classic' | 'both';

/** A simulator script that makes the function run at its last step. */
export interface MapDemo {
  script: string;
  /** What to look at once it ran. */
  look: string;
  /** The simulator event the last step must produce (checked by the unit tests). */
  event?: 'growToTable' | 'tableGrow' | 'tableSplit' | 'directoryDouble' | 'pruneTombstones' | 'hashGrow' | 'evacuationDone' | 'reseed';
}

export interface MapFunctionEntry {
  /** Stable id (tests, keys); the URL carries the function name itself (`mapfn=`). */
  id: string;
  title: string;
  /** Names as profiles and dumps print them; the first is the canonical one. */
  names: string[];
  /** More names: fast-path variants, version spellings. Anchored. */
  pattern?: RegExp;
  /** Names (also in `names`) that exist only in classic builds of an entry of both layouts. */
  classicOnly?: string[];
  layout: MapLayoutKind;
  /** Which Go releases have it, and under which name / file. */
  versions: string;
  /** Source files (Go 1.26 paths unless the function is classic-only). */
  source: string;
  /** One paragraph: what it is for. */
  summary: string;
  /** What it does to the Swiss layout the heatmap draws (groups, tables, directory). */
  swiss?: string[];
  /** What it does to the classic layout (buckets, overflow chains, old buckets). */
  classic?: string[];
  /** The counters it reads or changes, with why they matter here. */
  counters: { id: MapCounter; why: string }[];
  /** Which `fatal error:` it can raise, and when. */
  fatal?: string;
  /** Where its time or allocations show up in profiles. */
  profiles?: string;
  demo?: MapDemo;
}

const CLASSIC_RELEASES =
  'Go ≤ 1.23 (runtime/map.go, map_fast32/64/str.go; hashmap.go / hashmap_fast.go in older releases such as Go 1.9) and Go 1.24–1.25 built with GOEXPERIMENT=noswissmap (runtime/map_noswiss.go, map_fast*_noswiss.go)';
const SWISS_RELEASES =
  'Go 1.24+ (the default; the only maps in 1.26), implemented in internal/runtime/maps and pushed into package runtime under the classic name with //go:linkname (runtime_*_swiss.go in 1.24–1.25, runtime*.go in 1.26)';
const BOTH_NAMES = `Same name in both implementations. Classic: ${CLASSIC_RELEASES}. Swiss: ${SWISS_RELEASES}.`;
const SWISS_ONLY = 'Go 1.24+ only (internal/runtime/maps); absent before 1.24 and in 1.24–1.25 builds with GOEXPERIMENT=noswissmap.';
const CLASSIC_ONLY = `Classic maps only: ${CLASSIC_RELEASES}. Gone in Go 1.26.`;

const WRITE_CHECK_SWISS =
  'Writers check `writing` first (`concurrent map writes` if set), hash the key, then toggle `writing ^= 1`; before returning they require `writing != 0` (`concurrent map writes` again) and toggle it back. It is an unlocked best-effort check: two racing writers usually, not always, notice each other — `go test -race` is the reliable tool.';
const WRITE_CHECK_CLASSIC =
  'Writers check `flags & hashWriting` (`concurrent map writes`), hash, then toggle `flags ^= hashWriting`; before returning they require the bit still set (`concurrent map writes` again) and clear it. Best effort, not a lock.';

export const MAP_FUNCTIONS: readonly MapFunctionEntry[] = [
  {
    id: 'assign',
    title: 'mapassign — m[k] = v',
    names: ['runtime.mapassign', 'runtime.mapassign_fast64', 'runtime.mapassign_faststr', 'runtime.mapassign_fast32', 'runtime.mapassign_fast64ptr', 'runtime.mapassign_fast32ptr'],
    pattern: /^runtime\.mapassign(?:1|_fast32|_fast64|_faststr|_fast32ptr|_fast64ptr)?$/,
    layout: 'both',
    versions: `${BOTH_NAMES} The compiler picks the variant by key type: _fast32/_fast64 for 4/8-byte keys, _fast32ptr/_fast64ptr for pointer-shaped keys, _faststr for strings, mapassign otherwise.`,
    source: 'internal/runtime/maps/runtime.go, runtime_fast32.go, runtime_fast64.go, runtime_faststr.go (1.26); runtime/map.go, map_fast*.go (classic)',
    summary:
      'Finds the slot for a key, creating it if the key is new, and returns where the value goes (the compiler stores the value itself). Every insert and every overwrite of a map entry runs through here, so it is where maps grow.',
    swiss: [
      'Small map (dirLen = 0, the heatmap shows one "small group" cell): with no group yet it allocates one (growToSmall), looks for the key by H2 (low 7 hash bits) in the 8 control bytes, else takes the first empty slot (putSlotSmall). A 9th distinct key turns the map into a table of 16 slots (growToTable).',
      'Table map: the top globalDepth hash bits pick a directory slot → table (one heatmap row). Probing starts at group H1 & lengthMask and moves triangularly (+1, +2, +3 … groups); each group is matched on H2 in parallel. The first tombstone seen (red) is remembered and reused for a new key; otherwise the key takes an empty slot of the group that ended the probe.',
      'A new key needs growthLeft > 0. When growthLeft reaches 0 the runtime first tries to prune tombstones (Go 1.25+), else rehashes: the table doubles (grow) up to 1024 slots, beyond that it splits into two 1024-slot tables (and the directory doubles when the table was as deep as the directory). Then the insert retries.',
    ],
    classic: [
      'bucket = low B bits of the hash (one heatmap cell); tophash = top 8 bits. If the map is growing it first evacuates the old bucket this key maps to plus one more (growWork).',
      'Walks the bucket and its overflow chain (orange bar) comparing tophash bytes; stops early at emptyRest. A new key takes the first empty cell seen, else a new overflow bucket is chained.',
      'Before adding a new key it checks overLoadFactor(count+1, B) (more than 6.5 entries per bucket) or tooManyOverflowBuckets(noverflow, B) and, if not already growing, starts a grow (hashGrow) and retries.',
    ],
    counters: [
      { id: 'count', why: 'grows by one for a new key, unchanged for an overwrite' },
      { id: 'growthLeft', why: 'Swiss: a new key in an empty slot consumes one; at 0 the table rehashes' },
      { id: 'tombstones', why: 'Swiss: reused by new keys without consuming growthLeft' },
      { id: 'load', why: 'Swiss: 7/8 per table triggers a rehash; classic: 6.5 per bucket triggers hashGrow' },
      { id: 'growThreshold', why: 'classic: the count at which the next new key grows the map' },
      { id: 'noverflow', why: 'classic: as many overflow buckets as buckets forces a same-size grow' },
      { id: 'writing', why: 'set while the assign runs — a second writer sees it' },
    ],
    fatal: `concurrent map writes. Swiss: ${WRITE_CHECK_SWISS} A small map found full while writing raises \`small map with no empty slot (concurrent map writes?)\`. Classic: ${WRITE_CHECK_CLASSIC}`,
    profiles:
      'CPU: time under it is hashing, probing and — when a rehash runs underneath — copying every entry of one table (Swiss) or evacuating ≤ 2 old buckets (classic). Heap profiles written by runtime/pprof do not show it: the writer drops every runtime frame above the first user frame, so the growth is charged to the line doing m[k] = v.',
    demo: { script: 'layout swiss\nseed 1\ninsert 1..14\ninsert 15', look: 'the 15th key finds growthLeft = 0 and the table doubles from 16 to 32 slots', event: 'tableGrow' },
  },
  {
    id: 'access',
    title: 'mapaccess — v := m[k], v, ok := m[k]',
    names: ['runtime.mapaccess1', 'runtime.mapaccess2', 'runtime.mapaccess1_fast64', 'runtime.mapaccess2_fast64', 'runtime.mapaccess1_faststr', 'runtime.mapaccess2_faststr', 'runtime.mapaccess1_fast32', 'runtime.mapaccess2_fast32', 'runtime.mapaccess1_fat', 'runtime.mapaccess2_fat', 'runtime.mapaccessK'],
    pattern: /^runtime\.mapaccess(?:1|2)(?:_fast32|_fast64|_faststr|_fat)?$/,
    classicOnly: ['runtime.mapaccessK'],
    layout: 'both',
    versions: `${BOTH_NAMES} _fat variants serve values larger than the shared zero buffer; mapaccessK (key and value, used by iteration during a grow) exists only in classic builds.`,
    source: 'internal/runtime/maps/runtime*.go (1.26); runtime/map.go, map_fast*.go (classic)',
    summary: 'Looks a key up and returns a pointer to its value (or to a zero value). Reads never change the layout.',
    swiss: [
      'Small map: match H2 against the one group’s 8 control bytes, confirm with key equality.',
      'Table map: directory slot from the top globalDepth bits → table row; probe groups from H1 & lengthMask. The probe stops at the first group that has an empty slot, so tombstones (red) lengthen every probe that passes through their group until a rehash or a prune clears them.',
    ],
    classic: [
      'bucket = low B bits; if the map is growing and that bucket’s old bucket is not yet evacuated (orange outline in the "old buckets" row) the lookup reads the old bucket instead. Reads never evacuate.',
      'Compares tophash along the overflow chain (orange bar = longer chain = slower lookup), stopping at emptyRest.',
    ],
    counters: [
      { id: 'tombstones', why: 'Swiss: each tombstone in a probed group keeps the probe going' },
      { id: 'load', why: 'higher load → longer probes / chains' },
      { id: 'overflow', why: 'classic: every overflow bucket in the chain is another cache miss' },
      { id: 'evacuation', why: 'classic: lookups of not-yet-evacuated buckets read the old array' },
      { id: 'writing', why: 'read while looking up: a writer in progress is fatal' },
    ],
    fatal: 'concurrent map read and map write: the lookup checks `writing` (Swiss) / `flags & hashWriting` (classic) at its start and throws if a write is in progress. The read itself sets nothing, so a reader never makes a writer fail.',
    profiles: 'CPU: hashing and probing; in crash dumps at the default GOTRACEBACK the runtime.mapaccess frame is hidden and only internal/runtime/maps.fatal appears above the user frame.',
  },
  {
    id: 'delete',
    title: 'mapdelete — delete(m, k)',
    names: ['runtime.mapdelete', 'runtime.mapdelete_fast64', 'runtime.mapdelete_faststr', 'runtime.mapdelete_fast32'],
    pattern: /^runtime\.mapdelete(?:_fast32|_fast64|_faststr)?$/,
    layout: 'both',
    versions: BOTH_NAMES,
    source: 'runtime/map.go, internal/runtime/maps/map.go (Delete), table.go (Delete) (1.26); runtime/map.go, map_fast*.go (classic)',
    summary: 'Removes a key. Memory is never given back: the groups or buckets stay allocated, which is why a map that was once big stays big ("maps never shrink").',
    swiss: [
      'Small map: the slot simply becomes empty (deleteSmall) — small maps never have tombstones.',
      'Table map: if the slot’s group still has an empty slot, the slot becomes empty and growthLeft goes back up; if the group is full, the slot becomes a tombstone (0xFE, the red bar) because an empty slot there would cut short the probe of other keys that passed through this full group.',
      'When the last entry goes (used = 0) the seed is re-rolled.',
    ],
    classic: [
      'The cell becomes emptyOne; if it was the last used cell, the trailing run of emptyOne cells (also across the overflow chain) turns into emptyRest so lookups can stop early. Overflow buckets stay chained.',
      'If the map is growing the delete evacuates first (growWork), like an assign. When count reaches 0 the hash seed (hash0) is re-rolled.',
    ],
    counters: [
      { id: 'count', why: 'one less for a present key' },
      { id: 'tombstones', why: 'Swiss: +1 when the slot’s group was full' },
      { id: 'growthLeft', why: 'Swiss: +1 only when the slot could become empty' },
      { id: 'emptyOne', why: 'classic: holes before an emptyRest boundary' },
      { id: 'memory', why: 'bytes held do not drop — only a new, smaller map frees them' },
      { id: 'seed', why: 're-rolled when the map becomes empty' },
    ],
    fatal: `concurrent map writes (same check as assign). ${WRITE_CHECK_SWISS}`,
    demo: { script: 'layout swiss\nseed 1\ninsert 1..800\ndelete 1..700', look: 'red tombstone bars in full groups; capacity and bytes held unchanged' },
  },
  {
    id: 'iter',
    title: 'mapIterStart / mapIterNext — for k, v := range m',
    names: ['runtime.mapIterStart', 'runtime.mapIterNext', 'internal/runtime/maps.(*Iter).Next', 'internal/runtime/maps.(*Iter).Init'],
    pattern: /^internal\/runtime\/maps\.\(\*Iter\)\.\w+$/,
    layout: 'swiss',
    versions:
      'Go 1.24+ (Swiss): compiled range loops call runtime.mapIterStart / runtime.mapIterNext (runtime/map_swiss.go in 1.24–1.25, runtime/map.go in 1.26), which run internal/runtime/maps.(*Iter).Init / Next. Before 1.24 (and with noswissmap) the names were runtime.mapiterinit / mapiternext.',
    source: 'runtime/map.go (mapIterStart, mapIterNext), internal/runtime/maps/table.go (Iter)',
    summary: 'Walks a map in a random order. The iterator remembers the directory position and table it is in; if the map grows underneath it, it keeps reading the old table and looks each key up in the new one.',
    swiss: [
      'Start: a random directory offset and a random slot offset, so two ranges of the same map never agree on order.',
      'Small map: the 8 slots of the one group, from the random offset. Table map: table by table in directory order (a table spanning several directory slots — a short row label "directory a..b" — is visited once), group by group, skipping empty and tombstone control bytes.',
      'If the directory doubled (globalDepth changed) the iterator rescales its position; if its table was replaced by a grow or split (old table index = −1) it keeps the old groups for order and re-reads each key from the live map (grownKeyElem), so deleted keys are skipped and updated values seen.',
    ],
    counters: [
      { id: 'tables', why: 'the directory order it walks; a doubled directory rescales the position' },
      { id: 'clearSeq', why: 'a clear during iteration is noticed through it' },
      { id: 'writing', why: 'each Next checks it' },
    ],
    fatal: 'concurrent map iteration and map write: (*Iter).Next checks `writing` on every step. In Go 1.26 dumps this frame is printed even at the default GOTRACEBACK (only runtime.-prefixed names are hidden).',
    demo: { script: 'layout swiss\nseed 2\ninsert 1..3000', look: 'the tables in directory order: the order an iterator walks (from a random start)' },
  },
  {
    id: 'iter-classic',
    title: 'mapiterinit / mapiternext — range over a classic map',
    names: ['runtime.mapiterinit', 'runtime.mapiternext'],
    layout: 'classic',
    versions:
      'Called by compiled range loops in Go ≤ 1.23 and in 1.24–1.25 builds with GOEXPERIMENT=noswissmap (map_noswiss.go). In Swiss builds (1.24+) these names survive only as //go:linkname compatibility shims for third-party packages (runtime/linkname_swiss.go in 1.24–1.25, linkname_shim.go in 1.26) that wrap (*Iter).Init / Next — a Go 1.24+ profile showing them points at a library using linkname, not at a range loop.',
    source: 'runtime/map.go (≤ 1.23), runtime/map_noswiss.go (1.24–1.25), runtime/linkname_shim.go (1.26 shim)',
    summary: 'Classic iteration: a random start bucket and in-bucket offset; during a grow it reads old buckets that are not evacuated yet and keeps only the entries destined for the new bucket it is visiting.',
    classic: [
      'mapiterinit snapshots B and the bucket array, sets the iterator flags (so evacuation keeps old overflow buckets alive) and picks a random start.',
      'mapiternext walks bucket by bucket, each overflow chain in turn; for a not-yet-evacuated old bucket (orange outline) it filters entries by the hash bit that decides X or Y; entries already moved are re-looked-up (mapaccessK).',
    ],
    counters: [
      { id: 'flags', why: 'iterator / oldIterator bits are set; hashWriting is checked' },
      { id: 'evacuation', why: 'decides whether it reads the old or the new bucket' },
      { id: 'B', why: 'snapshotted at start' },
    ],
    fatal: 'concurrent map iteration and map write: mapiternext checks flags & hashWriting.',
  },
  {
    id: 'makemap',
    title: 'makemap — make(map[K]V, hint)',
    names: ['runtime.makemap', 'runtime.makemap_small', 'runtime.makemap64', 'internal/runtime/maps.NewMap', 'internal/runtime/maps.NewEmptyMap'],
    layout: 'both',
    versions: 'runtime.makemap / makemap_small / makemap64: every release (the classic code in Go ≤ 1.23 and noswissmap builds; in Swiss builds, Go 1.24+, they call internal/runtime/maps.NewMap / NewEmptyMap, which exist only there).',
    source: 'runtime/map.go, internal/runtime/maps/map.go (NewMap, NewEmptyMap)',
    summary:
      'Creates a map. makemap_small is used when the compiler knows hint ≤ 8 and the map escapes; a map that does not escape may get its header (and first group) on the stack with no call at all.',
    swiss: [
      'hint ≤ 8: only the header (48 bytes); no group until the first insert (growToSmall), so a map that stays empty allocates nothing more.',
      'hint > 8: target capacity = hint·8/7; directory size = ceil(target/1024) rounded up to a power of two; one table per directory slot with capacity target/dirSize rounded up to a power of two (at least 8). So make(map, 3000) gives 4 tables of 1024 slots under a directory of 4 (globalDepth 2).',
      'The seed is drawn here (a per-map random hash seed).',
    ],
    classic: [
      'B = the smallest value for which hint entries are not over the load factor (6.5 per bucket); the bucket array is allocated now unless B = 0. For B ≥ 4 about 2^(B−4) overflow buckets are pre-allocated after the array (nextOverflow).',
    ],
    counters: [
      { id: 'tables', why: 'Swiss: directory size and globalDepth come from the hint' },
      { id: 'capacity', why: 'Swiss: initial slots per table' },
      { id: 'B', why: 'classic: bucket count from the hint' },
      { id: 'seed', why: 'drawn at creation' },
      { id: 'memory', why: 'a large hint holds its memory even if the map stays small' },
    ],
    profiles: 'Heap: a runtime/pprof heap profile charges its allocations to the line calling make(map…), because runtime frames above the first user frame are dropped.',
    demo: { script: 'layout swiss\nseed 1\nmake 3000\ninsert 1..3000', look: '4 tables of 1024 slots under a directory of 4 — no growth while inserting the 3000 keys' },
  },
  {
    id: 'putSlotSmall',
    title: '(*Map).putSlotSmall — insert into a small map',
    names: ['internal/runtime/maps.(*Map).putSlotSmall', 'internal/runtime/maps.(*Map).putSlotSmallFast64', 'internal/runtime/maps.(*Map).putSlotSmallFast32', 'internal/runtime/maps.(*Map).putSlotSmallFastStr', 'internal/runtime/maps.(*Map).putSlotSmallFastPtr'],
    pattern: /^internal\/runtime\/maps\.\(\*Map\)\.putSlotSmall\w*$/,
    layout: 'swiss',
    versions: SWISS_ONLY,
    source: 'internal/runtime/maps/map.go, runtime_fast32.go, runtime_fast64.go, runtime_faststr.go',
    summary: 'The insert path of a map that has never held more than 8 entries: one group, no table, no probing.',
    swiss: [
      'The single group is the "small group" cell. The key’s H2 is matched against the 8 control bytes; on a miss the key takes the first empty slot and its control byte becomes H2. All 8 slots are usable (no probe has to stop there), and deletes empty slots directly, so there are never tombstones.',
    ],
    counters: [
      { id: 'used', why: 'the slots full in the one group (≤ 8)' },
      { id: 'writing', why: 'set by the caller (PutSlot / mapassign) around it' },
    ],
    fatal: 'small map with no empty slot (concurrent map writes?): the group was found full while the map believed it had room — another writer filled it concurrently.',
    demo: { script: 'layout swiss\nseed 1\ninsert 1..5', look: 'one cell ("small group") with 5 of 8 slots used' },
  },
  {
    id: 'growToSmall',
    title: '(*Map).growToSmall — first insert allocates the group',
    names: ['internal/runtime/maps.(*Map).growToSmall'],
    layout: 'swiss',
    versions: SWISS_ONLY,
    source: 'internal/runtime/maps/map.go',
    summary: 'A map made without a group (make(map…) with hint ≤ 8, or a nil-group header) allocates its one 8-slot group on the first insert and marks all 8 control bytes empty (0x80).',
    swiss: ['Creates the "small group" cell the heatmap draws for small maps: 8 + 8·slotSize bytes (136 bytes for map[int]int).'],
    counters: [{ id: 'memory', why: 'the first group allocation of a map' }],
    profiles: 'Heap: the small allocation (one group) per map that ever receives a key; in runtime/pprof heap profiles charged to the inserting line.',
  },
  {
    id: 'growToTable',
    title: '(*Map).growToTable — the 9th key turns a small map into a table',
    names: ['internal/runtime/maps.(*Map).growToTable'],
    layout: 'swiss',
    versions: `${SWISS_ONLY} In 1.24 even an overwrite of an existing key in a full small map calls it (golang/go#78853, fixed later).`,
    source: 'internal/runtime/maps/map.go',
    summary: 'A small map with 8 entries that receives another key becomes a full map: one table of 16 slots (2 groups) under a directory of length 1 (globalDepth 0).',
    swiss: [
      'The 8 entries are rehashed into the new table (their groups are chosen by H1 now), the directory gets one entry, and the heatmap switches from the "small group" cell to one table row of 2 groups.',
      'growthLeft of a 16-slot table is 14 (7/8 of 16), so after this 9th key, 5 more keys fit before the table doubles.',
    ],
    counters: [
      { id: 'tables', why: 'dirLen goes from 0 (small) to 1' },
      { id: 'capacity', why: '16 slots' },
      { id: 'growthLeft', why: '14 − entries' },
      { id: 'memory', why: 'table header + 2 groups + a one-entry directory' },
    ],
    demo: { script: 'layout swiss\nseed 1\ninsert 1..8\ninsert 9', look: 'the small group becomes one table of 2 groups (16 slots)', event: 'growToTable' },
  },
  {
    id: 'tablePutSlot',
    title: '(*table).PutSlot — insert into a table',
    names: ['internal/runtime/maps.(*table).PutSlot', 'internal/runtime/maps.(*Map).PutSlot', 'internal/runtime/maps.(*Map).Put', 'internal/runtime/maps.(*table).uncheckedPutSlot'],
    layout: 'swiss',
    versions: SWISS_ONLY,
    source: 'internal/runtime/maps/table.go, map.go',
    summary:
      'The general insert: probe for the key; on a miss put it in the first tombstone seen or, if growthLeft allows, in an empty slot; otherwise rehash and let the caller retry. uncheckedPutSlot is the copy loop of grow/split/growToTable (no key comparison, no growthLeft check).',
    swiss: [
      'Probe sequence over the row’s groups: start at H1 & lengthMask, then +1, +2, +3 … groups (mod the group count) — every group is visited once. A group is matched on H2 for all 8 slots at once (SIMD on amd64), false matches (1 in 128 per slot) are rejected by key comparison.',
      'A group with an empty slot ends the probe: the key is absent. It goes into the first tombstone seen on the way (tombstone count −1, growthLeft unchanged) or into that empty slot (growthLeft −1).',
      'growthLeft = 0: pruneTombstones (Go 1.25+) may free tombstones; if not, rehash — grow ×2 or split.',
    ],
    counters: [
      { id: 'growthLeft', why: 'consumed by keys placed in empty slots' },
      { id: 'tombstones', why: 'reused first' },
      { id: 'used', why: '+1 per new key' },
      { id: 'load', why: '7/8 is where growthLeft runs out' },
    ],
    demo: { script: 'layout swiss\nseed 5\ninsert 1..600', look: 'one table of 1024 slots; groups fill at different rates — the probe starts at H1' },
  },
  {
    id: 'rehash',
    title: '(*table).rehash — grow or split',
    names: ['internal/runtime/maps.(*table).rehash'],
    layout: 'swiss',
    versions: SWISS_ONLY,
    source: 'internal/runtime/maps/table.go',
    summary: 'Called by an insert that found growthLeft = 0 (and nothing to prune). If doubling the table stays within 1024 slots it grows, otherwise it splits.',
    swiss: ['capacity < 1024 → grow (same row, twice the groups); capacity = 1024 → split (the row becomes two rows of 1024 slots each, one local-depth bit deeper).'],
    counters: [
      { id: 'capacity', why: 'decides grow (≤ 1024 after doubling) or split' },
      { id: 'growthLeft', why: '0 is what got us here' },
    ],
    demo: { script: 'layout swiss\nseed 1\ninsert 1..14\ninsert 15', look: 'rehash → grow: 16 → 32 slots', event: 'tableGrow' },
  },
  {
    id: 'grow',
    title: '(*table).grow — double one table',
    names: ['internal/runtime/maps.(*table).grow'],
    layout: 'swiss',
    versions: SWISS_ONLY,
    source: 'internal/runtime/maps/table.go',
    summary:
      'Allocates a table of twice the capacity, re-inserts every live entry (tombstones are dropped) and points the directory slots of the old table at the new one. Only this table is rebuilt — the other tables of the map are untouched, so the pause is bounded by 1024 slots.',
    swiss: [
      'The heatmap row gets twice as many groups; every key is re-placed by H1 under the new lengthMask, so fill patterns change. Tombstones (red) disappear.',
      'The old table’s index becomes −1; an iterator that was reading it keeps it for ordering and re-looks keys up in the new table.',
      'Only live entries are copied, so growing a table that is mostly tombstones (delete/insert churn) can double it without need — Go 1.24 had no pruning (golang/go#70886); Go 1.25+ prunes tombstones first when they are ≥ 10% of capacity.',
    ],
    counters: [
      { id: 'capacity', why: '×2 for this table' },
      { id: 'growthLeft', why: 'reset to 7/8 of the new capacity − used' },
      { id: 'tombstones', why: 'all dropped' },
      { id: 'memory', why: 'the new groups array: capacity/8 × groupSize bytes; the old one becomes garbage' },
    ],
    profiles:
      'CPU: the copy loop (uncheckedPutSlot, hashing every key) plus newTable/newarray and memclr of the new groups. Heap: the groups array allocation — in runtime/pprof heap profiles charged to the user line that inserted, since runtime frames above it are dropped.',
    demo: { script: 'layout swiss\nseed 1\ninsert 1..112\ninsert 113', look: 'a 128-slot table (growthLeft 112) doubles to 256 slots', event: 'tableGrow' },
  },
  {
    id: 'split',
    title: '(*table).split — a full 1024-slot table becomes two',
    names: ['internal/runtime/maps.(*table).split', 'internal/runtime/maps.(*Map).installTableSplit'],
    layout: 'swiss',
    versions: SWISS_ONLY,
    source: 'internal/runtime/maps/table.go (split), map.go (installTableSplit)',
    summary:
      'Tables never exceed 1024 slots (maxTableCapacity). A full one is split in two 1024-slot tables by the next hash bit below the ones its local depth already uses (extendible hashing).',
    swiss: [
      'Both halves get localDepth + 1; each entry goes left or right by hash bit 64 − (new localDepth) — the highest bit the old table did not look at (0 → left, 1 → right). The heatmap shows two rows in place of one, each about half full.',
      'If the table was as deep as the directory (localDepth = globalDepth) the directory doubles first: every directory slot is duplicated, globalDepth + 1. Tables with a smaller localDepth then appear in 2^(globalDepth − localDepth) consecutive directory slots (the "directory a..b" in the row label).',
    ],
    counters: [
      { id: 'tables', why: '+1 table; the directory may double (globalDepth + 1)' },
      { id: 'capacity', why: '+1024 slots' },
      { id: 'memory', why: 'two 1024-slot group arrays (and maybe a directory twice as long)' },
    ],
    demo: { script: 'layout swiss\nseed 1\ninsert 1..896\ninsert 897', look: 'one full 1024-slot table splits into two under a directory of 2', event: 'tableSplit' },
  },
  {
    id: 'directory',
    title: 'directory index / replaceTable — which table a hash goes to',
    names: ['internal/runtime/maps.(*Map).directoryIndex', 'internal/runtime/maps.(*Map).directoryAt', 'internal/runtime/maps.(*Map).directorySet', 'internal/runtime/maps.(*Map).replaceTable'],
    layout: 'swiss',
    versions: SWISS_ONLY,
    source: 'internal/runtime/maps/map.go',
    summary: 'The directory is an array of 2^globalDepth table pointers indexed by the top globalDepth bits of the hash (hash >> globalShift).',
    swiss: ['Rows in the heatmap are tables in directory order; a table with localDepth < globalDepth is pointed to by 2^(globalDepth − localDepth) consecutive slots. replaceTable repoints all of a table’s slots after a grow or split.'],
    counters: [{ id: 'tables', why: 'directory length, globalDepth, per-table localDepth' }],
  },
  {
    id: 'pruneTombstones',
    title: '(*table).pruneTombstones — reclaim tombstones instead of growing',
    names: ['internal/runtime/maps.(*table).pruneTombstones', 'internal/runtime/maps.(*table).tombstones'],
    layout: 'swiss',
    versions: 'Go 1.25+ (checked in the go1.25.0 and go1.26.8 sources); not in Go 1.24 (there a table full of tombstones simply grows — golang/go#70886). The simulator follows it; "go go1.24" in a script turns it off.',
    source: 'internal/runtime/maps/table.go',
    summary:
      'Runs when an insert finds growthLeft = 0. If tombstones are at least 10% of the capacity it finds the groups some live key must probe through (those must keep their tombstones) and turns every other tombstone back into an empty slot — if that frees at least 10% of the capacity; otherwise the table grows.',
    swiss: ['Red bars disappear from the groups no probe sequence needs; growthLeft goes up by the number freed; capacity does not change.'],
    counters: [
      { id: 'tombstones', why: 'tombstones = 7/8·capacity − used − growthLeft' },
      { id: 'growthLeft', why: '+ the tombstones freed' },
    ],
  },
  {
    id: 'clear',
    title: 'mapclear — clear(m)',
    names: ['runtime.mapclear', 'internal/runtime/maps.(*Map).Clear', 'internal/runtime/maps.(*Map).clearSmall', 'internal/runtime/maps.(*table).Clear'],
    layout: 'both',
    versions: `runtime.mapclear: the clear builtin (Go 1.21+) and the compiler’s "for k := range m { delete(m, k) }" idiom (older). ${BOTH_NAMES}`,
    source: 'runtime/map.go, internal/runtime/maps/map.go, table.go (1.26); runtime/map.go (classic)',
    summary: 'Deletes every entry in place. Nothing is freed: the tables, groups, directory (Swiss) or buckets and pre-allocated overflow buckets (classic) are kept for reuse.',
    swiss: [
      'Every control byte becomes empty (0x80) — tombstones too — used = 0, growthLeft back to 7/8 of each capacity; the seed is re-rolled and clearSeq + 1 (running iterators notice). Capacity, tables and directory stay: the heatmap keeps all its rows, all empty.',
    ],
    classic: ['Every tophash becomes emptyRest, the grow (if any) is abandoned (oldbuckets dropped), count = 0, noverflow = 0, hash0 re-rolled; the bucket array is kept.'],
    counters: [
      { id: 'count', why: '0' },
      { id: 'clearSeq', why: '+1 (Swiss)' },
      { id: 'seed', why: 're-rolled' },
      { id: 'memory', why: 'bytes held unchanged: the "maps never shrink" case' },
    ],
    fatal: 'concurrent map writes (a clear is a write).',
    demo: { script: 'layout swiss\nseed 1\ninsert 1..5000\nclear', look: 'all groups empty, capacity and bytes held unchanged' },
  },
  {
    id: 'clone',
    title: 'maps.Clone — copy a whole map',
    names: ['maps.clone', 'runtime.mapclone', 'internal/runtime/maps.(*Map).Clone', 'internal/runtime/maps.(*table).clone', 'internal/runtime/maps.cloneGroup', 'runtime.mapclone2'],
    pattern: /^maps\.Clone(?:\[.*\])?$/,
    classicOnly: ['runtime.mapclone2'],
    layout: 'both',
    versions: 'maps.Clone: Go 1.21+ (runtime.mapclone, linknamed as maps.clone, so profiles print maps.clone). Swiss implementation (*Map).Clone: 1.24+; classic mapclone2: 1.21–1.23 and noswissmap builds.',
    source: 'runtime/map.go (mapclone), internal/runtime/maps/map.go, table.go',
    summary: 'Copies the layout as is (same capacities, same tombstones, same directory), not re-inserting keys — a clone of a once-big map is just as big.',
    swiss: ['Small map: one new group copied slot by slot. Table map: a new directory of the same length; each distinct table cloned once (aliased directory slots stay aliased).'],
    counters: [{ id: 'memory', why: 'the clone holds as much as the original, not as much as its entries need' }],
    fatal: 'concurrent map clone and map write.',
    profiles: 'Heap: maps.clone is not a runtime.-named frame, so runtime/pprof heap profiles keep it: allocations under it are visible as map allocations, charged to the caller of maps.Clone.',
  },
  {
    id: 'newTable',
    title: 'newTable / reset / newGroups — allocate a table’s groups',
    names: ['internal/runtime/maps.newTable', 'internal/runtime/maps.(*table).reset', 'internal/runtime/maps.newGroups', 'internal/runtime/maps.newarray', 'internal/runtime/maps.newobject'],
    layout: 'swiss',
    versions: SWISS_ONLY,
    source: 'internal/runtime/maps/table.go, group.go, runtime.go',
    summary:
      'The allocation behind every Swiss growth: a table header (32 bytes) and an array of capacity/8 groups of 8 + 8·slotSize bytes each (runtime.newarray, zeroed), then every control word set to empty. newarray/newobject here are linknamed to runtime.newarray / runtime.newobject.',
    swiss: ['One heatmap row = one such allocation: a 1024-slot table of map[int]int is 128 groups × 136 bytes = 17 KiB.'],
    counters: [
      { id: 'capacity', why: 'capacity/8 groups' },
      { id: 'memory', why: 'bytes held is the sum of these arrays' },
    ],
    profiles:
      'CPU profiles show it (with memclr of the new array) under grow/split/growToTable. Heap profiles written by runtime/pprof do not: their writer (runtime/pprof/protomem.go) drops every frame named runtime.* or internal/runtime/* above the first other frame, so these allocations appear as allocated by the user line doing the insert.',
  },
  {
    id: 'copy',
    title: 'typedmemmove / typedmemclr — copy or clear a key or value',
    names: ['internal/runtime/maps.typedmemmove', 'internal/runtime/maps.typedmemclr'],
    layout: 'swiss',
    versions: `${SWISS_ONLY} Linknamed to the runtime’s typedmemmove / typedmemclr.`,
    source: 'internal/runtime/maps/runtime.go → runtime/mbarrier.go',
    summary:
      'Copies a key or value into a slot (insert, grow, split, clone) or clears one (delete, clear), with the GC write barriers its type needs. Big keys and values (over 128 bytes) are stored indirectly, as pointers, so only the pointer moves.',
    swiss: ['Every entry re-placed by a grow or split goes through here once: its cost is proportional to the live entries of the table being rebuilt.'],
    counters: [{ id: 'used', why: 'a grow or split copies every live entry of the table' }],
  },
  {
    id: 'group',
    title: 'control word matching — groups, H1, H2, probes',
    names: ['internal/runtime/maps.ctrlGroup.matchH2', 'internal/runtime/maps.ctrlGroup.matchEmpty', 'internal/runtime/maps.ctrlGroup.matchEmptyOrDeleted', 'internal/runtime/maps.ctrlGroup.matchFull', 'internal/runtime/maps.(*ctrlGroup).get', 'internal/runtime/maps.(*ctrlGroup).set', 'internal/runtime/maps.(*ctrlGroup).setEmpty', 'internal/runtime/maps.(*groupReference).key', 'internal/runtime/maps.(*groupReference).elem', 'internal/runtime/maps.(*groupReference).ctrls', 'internal/runtime/maps.(*groupsReference).group', 'internal/runtime/maps.makeProbeSeq', 'internal/runtime/maps.probeSeq.next', 'internal/runtime/maps.h1', 'internal/runtime/maps.h2'],
    pattern: /^internal\/runtime\/maps\.(?:\(\*?(?:ctrlGroup|groupReference|groupsReference|bitset)\)|ctrlGroup|bitset|probeSeq|ctrlGroupMatch\w*|bitset\w+)\.?\w*$/,
    layout: 'swiss',
    versions: `${SWISS_ONLY} Small helpers, usually inlined (profiles show them as inlined frames of their callers).`,
    source: 'internal/runtime/maps/group.go, table.go, map.go',
    summary:
      'A group is an 8-byte control word and 8 slots. Control byte 0x80 = empty, 0xFE = tombstone, 0hhhhhhh = full with H2 = the low 7 hash bits. H1 = hash >> 7 picks the probe start group.',
    swiss: [
      'Each heatmap cell is one group: its fill = control bytes < 0x80, its red bar = bytes equal to 0xFE. matchH2 compares all 8 bytes with H2 at once; matchEmpty finds the slot that ends a probe.',
      'Probe order from home group H1 & lengthMask: +1, +2, +3 … groups (triangular), which visits every group of the row exactly once.',
    ],
    counters: [
      { id: 'load', why: 'fuller groups → more H2 candidates and longer probes' },
      { id: 'tombstones', why: 'keep probes going' },
    ],
  },
  {
    id: 'fatal',
    title: 'fatal — "concurrent map …" crashes',
    names: ['internal/runtime/maps.fatal'],
    layout: 'both',
    versions:
      'internal/runtime/maps.fatal: Go 1.24+ (linknamed to the runtime’s fatal, so dumps print file runtime/panic.go). Classic maps call runtime.fatal (Go 1.19+; earlier releases used runtime.throw, which also prints runtime frames).',
    source: 'internal/runtime/maps/runtime.go → runtime/panic.go',
    summary:
      'The map implementation detected a write while another operation was in progress and stops the program: `fatal error: concurrent map writes`, `concurrent map read and map write`, `concurrent map iteration and map write`, `concurrent map clone and map write`, or (Swiss) `small map with no empty slot (concurrent map writes?)`. It cannot be recovered, prints every goroutine and exits with status 2.',
    swiss: [
      'All checks use the header’s `writing` byte (one value per map, not per table): writers toggle it around their work, readers and iterators only read it. The goroutine that crashes is the one that noticed — the other party may already have finished; look for the other goroutines inside map functions with the same caller.',
      'At the default GOTRACEBACK only runtime.-prefixed frames are hidden, so a Swiss dump shows internal/runtime/maps.fatal (and (*Iter).Next) directly above the user frame while runtime.mapassign_fast64 & co. stay hidden.',
    ],
    classic: ['The classic checks use the hashWriting bit of hmap.flags the same way.'],
    counters: [
      { id: 'writing', why: 'Swiss: set by a write in progress' },
      { id: 'flags', why: 'classic: the hashWriting bit' },
    ],
    fatal: `${WRITE_CHECK_SWISS} Remedy: guard the map with a sync.Mutex / sync.RWMutex (or use sync.Map for append-only caches), and run the tests with -race, which reports the two conflicting accesses with both stacks.`,
  },
  {
    id: 'hashGrow',
    title: 'hashGrow — start a classic grow',
    names: ['runtime.hashGrow'],
    layout: 'classic',
    versions: CLASSIC_ONLY,
    source: 'runtime/map.go (≤ 1.23), runtime/map_noswiss.go (1.24–1.25)',
    summary:
      'Called by mapassign for a new key when the map is over the load factor (count+1 > 6.5·2^B) or has too many overflow buckets (noverflow ≥ 2^min(B,15)). Allocates the new bucket array; moving entries happens later, incrementally.',
    classic: [
      'Over the load factor: a new array of 2^(B+1) buckets. Too many overflow buckets (from deletes): a same-size grow — same bucket count, to repack the chains.',
      'The current array becomes oldbuckets (the heatmap’s "old buckets" row), nevacuate = 0, noverflow = 0; iterators flip to oldIterator.',
    ],
    counters: [
      { id: 'B', why: '+1 (or unchanged for a same-size grow)' },
      { id: 'growThreshold', why: 'crossing it starts the grow' },
      { id: 'noverflow', why: 'reaching 2^min(B,15) starts a same-size grow; reset to 0' },
      { id: 'evacuation', why: 'every old bucket starts not evacuated' },
    ],
    demo: { script: 'layout classic\nseed 1\ninsert 1..52\ninsert 53', look: '52 = 6.5 × 8 entries in 8 buckets; the 53rd grows to 16 buckets with 8 old buckets to evacuate', event: 'hashGrow' },
  },
  {
    id: 'evacuate',
    title: 'growWork / evacuate — classic incremental evacuation',
    names: ['runtime.growWork', 'runtime.evacuate', 'runtime.growWork_fast64', 'runtime.growWork_fast32', 'runtime.growWork_faststr', 'runtime.evacuate_fast64', 'runtime.evacuate_fast32', 'runtime.evacuate_faststr', 'runtime.advanceEvacuationMark', 'runtime.bucketEvacuated'],
    pattern: /^runtime\.(?:growWork|evacuate)(?:_fast32|_fast64|_faststr)?$/,
    layout: 'classic',
    versions: CLASSIC_ONLY,
    source: 'runtime/map.go, map_fast*.go (≤ 1.23), runtime/map_noswiss.go (1.24–1.25)',
    summary:
      'Every write (assign or delete) to a growing map evacuates at most two old buckets: the one feeding the bucket being written, and the one at nevacuate. Reads never evacuate. The grow ends when every old bucket is evacuated.',
    classic: [
      'evacuate walks an old bucket and its overflow chain: on a doubling grow each entry goes to X (same index) or Y (index + old bucket count) by hash bit "newbit"; the old cells become evacuatedX/Y/Empty (grey, crossed in the "old buckets" row).',
      'nevacuate advances over already-evacuated buckets (up to 1024 at a time); because writes evacuate out of order, "evacuated" is per bucket and nevacuate is only a lower bound. At the end oldbuckets = nil and the row disappears.',
    ],
    counters: [
      { id: 'evacuation', why: 'evacuated / not yet per old bucket' },
      { id: 'overflow', why: 'evacuation may chain new overflow buckets in the destination' },
    ],
    demo: { script: 'layout classic\nseed 1\ninsert 1..52\ninsert 53..54', look: 'the old-buckets row: 4 of 8 evacuated (grey) by the two writes since the grow, the rest outlined' },
  },
  {
    id: 'classicOverflow',
    title: 'newoverflow / makeBucketArray — classic bucket memory',
    names: ['runtime.makeBucketArray', 'runtime.(*hmap).newoverflow', 'runtime.(*hmap).incrnoverflow', 'runtime.(*hmap).createOverflow', 'runtime.(*bmap).overflow', 'runtime.overLoadFactor', 'runtime.tooManyOverflowBuckets', 'runtime.tophash', 'runtime.(*hmap).growing', 'runtime.(*hmap).sameSizeGrow', 'runtime.(*hmap).noldbuckets', 'runtime.(*hmap).oldbucketmask'],
    layout: 'classic',
    versions: CLASSIC_ONLY,
    source: 'runtime/map.go (≤ 1.23), runtime/map_noswiss.go (1.24–1.25)',
    summary:
      'makeBucketArray allocates 2^B buckets (plus pre-allocated overflow buckets for B ≥ 4); newoverflow chains an overflow bucket when a bucket’s 8 cells are full, taking a pre-allocated one first. noverflow counts them — exactly while B < 16, sampled (probability 1/2^(B−15)) above.',
    classic: ['Each orange bar in the heatmap is such a chain; a bucket of map[int]int is 8 + 64 + 64 + 8 = 144 bytes.'],
    counters: [
      { id: 'overflow', why: 'overflow buckets in use' },
      { id: 'noverflow', why: 'the runtime’s (approximate) count: the same-size grow trigger' },
      { id: 'memory', why: 'buckets and overflow buckets held' },
    ],
  },
  {
    id: 'reflect',
    title: 'reflect map operations — encoding/json, reflect.Value.SetMapIndex …',
    names: ['reflect.mapassign0', 'reflect.mapassign_faststr0', 'reflect.mapaccess', 'reflect.mapaccess_faststr', 'reflect.mapdelete', 'reflect.mapdelete_faststr', 'reflect.makemap', 'reflect.mapclear', 'reflect.maplen', 'reflect.mapiterinit', 'reflect.mapiternext', 'reflect.Value.SetMapIndex', 'reflect.MakeMapWithSize', 'reflect.MakeMap', 'reflect.Value.MapIndex', 'reflect.(*MapIter).Next'],
    pattern: /^reflect\.(?:map\w+|Value\.(?:SetMapIndex|MapIndex|MapKeys|MapRange|Clear)|MakeMap\w*|\(\*MapIter\)\.\w+)$/,
    layout: 'both',
    versions: 'Every release; the reflect.map* names are runtime functions linknamed into package reflect (runtime/map.go’s reflect_* stubs), running the same code as mapassign / mapaccess / makemap of the build’s layout.',
    source: 'runtime/map.go (reflect_mapassign …), reflect/map.go',
    summary:
      'Maps filled through reflection — encoding/json and other decoders, reflect.Value.SetMapIndex — go through these entry points into the same assign / access / makemap code.',
    swiss: ['See mapassign: the same growth (grow, split, growToTable) happens underneath.'],
    counters: [{ id: 'count', why: 'as for mapassign' }],
    profiles:
      'Heap: these frames are not named runtime.*, so runtime/pprof heap profiles keep them — the one place where map growth stays visible in an ordinary Go heap profile (e.g. json.Unmarshal into map[string]T).',
  },
];

const BY_NAME = new Map<string, MapFunctionEntry>();
for (const e of MAP_FUNCTIONS) for (const n of e.names) BY_NAME.set(n, e);

/** Catch-all for internal/runtime/maps functions no entry names (helpers, newer releases). */
export const MAPS_PACKAGE_ENTRY: MapFunctionEntry = {
  id: 'maps-package',
  title: 'internal/runtime/maps — the Swiss-table implementation',
  names: [],
  layout: 'swiss',
  versions: SWISS_ONLY,
  source: 'internal/runtime/maps/*.go',
  summary:
    'A function of Go’s Swiss-table map package that this catalogue does not describe one by one (a helper, a debug check, or a function of a newer release). The package: a Map header, a directory of up to 1024-slot tables, groups of 8 slots with a control word.',
  swiss: ['See the entries for assign, grow, split and the control word for how the layout drawn here changes.'],
  counters: [{ id: 'tables', why: 'the structure the package maintains' }],
};

/** Drops what profilers add to a function name: " (inline)", a trailing "+0x1f" offset. */
function cleanName(name: string): string {
  return name.replace(/\s+\(inline\)$/, '').replace(/\+0x[0-9a-f]+$/i, '').trim();
}

/** The catalogue entry explaining a function name, or null when it is not a map function. */
export function mapFunctionEntry(name: string): MapFunctionEntry | null {
  const n = cleanName(name);
  const exact = BY_NAME.get(n);
  if (exact) return exact;
  for (const e of MAP_FUNCTIONS) if (e.pattern && e.pattern.test(n)) return e;
  if (n.startsWith('internal/runtime/maps.')) return MAPS_PACKAGE_ENTRY;
  return null;
}

/** True for a function of the runtime's map implementation (or a reflect / maps.Clone entry into it). */
export function isMapInternal(name: string): boolean {
  return mapFunctionEntry(name) !== null;
}

/** Entry by id (the function index links). */
export function mapFunctionById(id: string): MapFunctionEntry | null {
  if (id === MAPS_PACKAGE_ENTRY.id) return MAPS_PACKAGE_ENTRY;
  return MAP_FUNCTIONS.find((e) => e.id === id) ?? null;
}

/** What a fast-path suffix means, for the explainer's "this variant" line. */
export function variantNote(name: string): string | null {
  const n = cleanName(name);
  if (/_faststr0?$|FastStr$/.test(n)) return 'fast path for string keys (compares length and a prefix before the full key)';
  if (/_fast64$|Fast64$/.test(n)) return 'fast path for 8-byte keys (int64, uint64, and int on 64-bit)';
  if (/_fast32$|Fast32$/.test(n)) return 'fast path for 4-byte keys (int32, uint32, …)';
  if (/_fast64ptr$|_fast32ptr$|FastPtr$/.test(n)) return 'fast path for pointer-shaped keys';
  if (/_fat$/.test(n)) return 'variant for values larger than the shared zero buffer';
  if (/^reflect\./.test(n)) return 'reached through reflection';
  return null;
}

/** Runtime code for the purpose of finding the user frame that called into a map. */
export function isRuntimeName(name: string): boolean {
  return name.startsWith('runtime.') || name.startsWith('internal/runtime/') || name.startsWith('runtime/internal/') || name === 'runtime' || name === 'goexit';
}
