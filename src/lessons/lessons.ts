// Workshop lessons: each is a sequence of steps over REAL artifacts (written by the Go
// programs in tools/gen, or recorded with perf), served from public/examples/lessons/ (see
// tools/gen/lessons.sh, which copies them there from testdata/). A step opens a view at a
// deep-linked state (a location hash, exactly as the app writes it) with a short
// explanation and a question; `rules` are the checklist results the scenario teaches
// (tests/unit/lessons.test.ts evaluates them on the artifacts).

import type { Status } from '../analysis/checklist';

export interface LessonStep {
  title: string;
  /** What to look at, in two or three sentences. */
  text: string;
  question: string;
  answer: string;
  /** The view: a location hash without '#', e.g. `src=1&view=goroutines&grp=0`. */
  hash: string;
}

export interface Lesson {
  id: string;
  title: string;
  summary: string;
  /** Example names (public/examples/<name>), in workspace order (`src=` indexes these). */
  artifacts: string[];
  /** Checklist rules the scenario triggers, with the status the artifacts produce. */
  rules: { rule: string; status: Status }[];
  steps: LessonStep[];
}

export const LESSONS: readonly Lesson[] = [
  {
    id: 'map-crash',
    title: 'Concurrent map writes crash',
    summary: 'A Go program that writes one map from two goroutines dies with `fatal error: concurrent map writes`. Read the dump like a forensic report.',
    artifacts: ['lessons/concurrent-map-writes.txt'],
    rules: [{ rule: 'concurrent-map-access', status: 'fail' }],
    steps: [
      {
        title: 'The crash banner',
        text: 'The runtime detected two writers and stopped the whole program. The banner names the fatal error and the goroutine caught inside the map code; the group table lists every goroutine the dump printed.',
        question: 'Which user function was writing the map, and which function started that goroutine?',
        answer: 'main.hammerWrite (main.go:58), in goroutine 26, created by main.mapRace.',
        hash: 'view=goroutines&grp=0',
      },
      {
        title: 'Why the runtime cannot recover',
        text: 'The frame above the user code is internal/runtime/maps.fatal: the map saw its "writing" flag already set by someone else. The map view explains the check and the layout it protects.',
        question: 'Why is this a fatal error and not a panic you could recover?',
        answer: 'The map may already be corrupt (a half-finished insert or growth); continuing could silently lose or duplicate entries, so the runtime throws and exits with status 2.',
        hash: 'view=map&mapfn=internal%2Fruntime%2Fmaps.fatal',
      },
      {
        title: 'The checklist',
        text: 'The capacity and correctness rules read every loaded source. A concurrent map access in a dump fails its rule with the user frame that did it.',
        question: 'What are the two usual remedies?',
        answer: 'Guard the map with a sync.Mutex / sync.RWMutex (or use sync.Map for append-mostly caches), and run the tests with -race, which reports both conflicting stacks before production does.',
        hash: 'view=checklist',
      },
    ],
  },
  {
    id: 'goroutine-leak',
    title: 'Goroutine leak',
    summary: 'Goroutines that wait forever for a reply nobody will send. Find them in a goroutine profile and in a SIGQUIT dump.',
    artifacts: ['goroutine', 'lessons/leak-sigquit.txt'],
    rules: [{ rule: 'goroutine-leak', status: 'fail' }],
    steps: [
      {
        title: 'Where the goroutines are',
        text: 'The goroutine profile counts goroutines by stack. A healthy service has a few per worker; a leak shows as one wide tower that keeps growing between two profiles.',
        question: 'Which stack holds the most goroutines, and what is it waiting on?',
        answer: 'The widest tower ends in a channel receive (runtime.gopark ← runtime.chanrecv): goroutines waiting for replies that never come.',
        hash: 'view=flame',
      },
      {
        title: 'The same program, dumped',
        text: 'A SIGQUIT dump prints every goroutine with its state and how long it has been blocked. Groups of identical stacks that have waited for minutes are leak suspects.',
        question: 'How many goroutines sit in the largest blocked group, and for how long have they waited?',
        answer: 'Read the first row of the group table: its count and its longest wait. The leak rule flags large groups blocked for minutes on one stack.',
        hash: 'src=1&view=goroutines&grp=0',
      },
      {
        title: 'The checklist',
        text: 'The goroutine-leak rule reads both sources: how many goroutines wait on one stack, and for how long.',
        question: 'What fixes this kind of leak?',
        answer: 'Give every wait a way out: a context with a deadline, a select with ctx.Done(), closing the channel when the producer gives up.',
        hash: 'src=1&view=checklist',
      },
    ],
  },
  {
    id: 'gc-pressure',
    title: 'GC pressure with mark assists',
    summary: 'A service that allocates far faster than its live heap grows: GC cycles back to back, request goroutines drafted into marking (mark assists), and the CPU profile that says where the garbage comes from.',
    artifacts: ['lessons/gc-pressure.trace', 'lessons/gc-pressure.cpu.pb.gz'],
    rules: [
      { rule: 'gc-cpu-share', status: 'fail' },
      { rule: 'gc-assist-share', status: 'fail' },
      { rule: 'cpu-gc-malloc-share', status: 'fail' },
      { rule: 'mmu', status: 'fail' },
    ],
    steps: [
      {
        title: 'The timeline',
        text: 'The GC track shows each cycle and its stop-the-world pauses; the heap track shows the heap climbing to the goal (dashed) and the cycle that follows. Goroutine rows are coloured by state, mark assists drawn on top.',
        question: 'How much time passes between two GC cycles, and what are the request goroutines doing during a cycle?',
        answer: 'Cycles follow each other almost without a gap; during a cycle many request goroutines show mark-assist spans: they mark the heap before they may allocate, on the request path.',
        hash: 'view=timeline',
      },
      {
        title: 'Where the garbage comes from',
        text: 'The CPU profile of the same program: the search highlights runtime.mallocgc. Its callers are the allocation sites worth fixing; gcBgMarkWorker and scanobject are the price of them.',
        question: 'Which share of the CPU goes to allocation and to marking, and which user function allocates most?',
        answer: 'The search summary gives the matched share; the widest caller above mallocgc in the flame graph (or in the sandwich) is the allocation site to fix first.',
        hash: 'src=1&view=flame&q=mallocgc',
      },
      {
        title: 'The checklist',
        text: 'GC CPU share, the assist share of application time and minimum mutator utilisation all read the trace; the runtime share of CPU reads the CPU profile.',
        question: 'Name three ways to lower GC pressure.',
        answer: 'Allocate less on the hot path (reuse buffers, sync.Pool, avoid boxing into interfaces), raise GOGC or set GOMEMLIMIT when memory allows, keep the live heap small (fewer long-lived pointers to scan).',
        hash: 'view=checklist',
      },
    ],
  },
  {
    id: 'sched-latency',
    title: 'Scheduler latency',
    summary: 'The same request service traced twice: once healthy, once with GOMAXPROCS=1 while four CPU-bound batch goroutines share the only P. Requests wait runnable, and the P99 spikes.',
    artifacts: ['lessons/sched-latency.trace', 'lessons/service-healthy.trace'],
    rules: [
      { rule: 'sched-wait-p99', status: 'fail' },
      { rule: 'latency-spike', status: 'fail' },
      { rule: 'gomaxprocs', status: 'fail' },
    ],
    steps: [
      {
        title: 'Runnable is not running',
        text: 'With one P, a goroutine that is ready to run waits until the P is free. Runnable spans (yellow) on the request rows are that wait; the P lane shows who held the processor meanwhile.',
        question: 'In the middle of the trace, who holds the only P, and how long do request goroutines stay runnable?',
        answer: 'The batch goroutines hold it; request goroutines wait runnable for tens to hundreds of milliseconds — the goroutine table sums it as scheduler wait.',
        hash: 'view=timeline&t=1200000000-1400000000',
      },
      {
        title: 'The healthy run',
        text: 'The same service without the batch work and with two Ps: request goroutines run as soon as they are ready.',
        question: 'Compare the scheduler-wait P99 of the two runs.',
        answer: 'About 1 ms healthy against about 180 ms with the batch goroutines on one P (the checklist shows both).',
        hash: 'src=1&view=timeline',
      },
      {
        title: 'The checklist',
        text: 'The latency-spike rule finds the windows whose request P99 is above the median + 3σ; the scheduler-wait rule reads per-goroutine waits; the GOMAXPROCS rule sees Ps busy ≥ 90% with goroutines queued.',
        question: 'What are the remedies?',
        answer: 'Give the program the CPUs it may use (GOMAXPROCS = the container CPU quota, which Go 1.25+ sets itself), move batch work to its own process or bound its concurrency, and make long loops yield.',
        hash: 'view=checklist',
      },
    ],
  },
  {
    id: 'mutex-contention',
    title: 'Mutex contention',
    summary: 'Four goroutines fight over one sync.Mutex: see it in the mutex profile and in the execution trace.',
    artifacts: ['mutex', 'lessons/mutex.trace'],
    rules: [{ rule: 'lock-wait', status: 'fail' }],
    steps: [
      {
        title: 'Who waits for the lock',
        text: 'The mutex profile charges each contention to the stack that UNLOCKED late (the holder), weighted by how long the others waited.',
        question: 'Which critical section makes the others wait longest?',
        answer: 'The widest frame under sync.(*Mutex).Unlock: the long critical section, not the short one.',
        hash: 'view=flame&st=delay',
      },
      {
        title: 'The same fight in time',
        text: 'In the trace, goroutines blocked on sync show as waiting spans; the goroutine table sums block time by reason.',
        question: 'How much time did the goroutines spend blocked on sync compared to running?',
        answer: 'Read the goroutine table (block time by reason "sync"); the lock-wait rule compares it with execution time.',
        hash: 'src=1&view=timeline',
      },
      {
        title: 'The checklist',
        text: 'Lock wait is a call-chain problem: it lengthens every request that needs the lock.',
        question: 'Name two ways to shrink it.',
        answer: 'Shorten the critical section (do the work outside the lock), shard the lock, or use an RWMutex when reads dominate.',
        hash: 'src=1&view=checklist',
      },
    ],
  },
  {
    id: 'hot-upgrade',
    title: 'Hot upgrade seen through perf execve',
    summary: 'A Go server replaces itself with a new binary. `perf record -e syscalls:sys_enter_execve,sched:sched_process_exec` proves when — and whether — it happened; a third recording shows a restart loop.',
    artifacts: ['lessons/forkexec.perf.txt', 'lessons/inplace.perf.txt', 'lessons/restart-loop.perf.txt'],
    rules: [{ rule: 'hot-upgrade-exec', status: 'fail' }],
    steps: [
      {
        title: 'Fork + exec: a new PID',
        text: 'The old process forks a child which execs the new binary: the exec panel shows the execve call and the exec event with a PID different from the old one; the lineage shows who forked whom.',
        question: 'Which PID ran the new binary, and which process was its parent?',
        answer: 'The exec row shows the new PID (12488) and its old PID 12480, the server that forked it; the lineage draws the same.',
        hash: 'view=perf',
      },
      {
        title: 'In-place exec: same PID',
        text: 'A process can also exec itself: the PID stays, the program changes. The panel tells the two apart.',
        question: 'How does the panel distinguish an in-place exec from fork+exec?',
        answer: 'In place, the exec event carries the same PID as the process that called execve (here PID 12611, called from its thread 12614); with fork+exec the exec happens in a new child PID.',
        hash: 'src=1&view=perf',
      },
      {
        title: 'A restart loop',
        text: 'One exec per process name is a normal upgrade. Several within the recording mean the new binary keeps dying and being restarted — or repeated upgrades.',
        question: 'How many self-replacing execs does this recording show, and how far apart are they?',
        answer: 'Three, about 0.1 s apart: a restart loop, not an upgrade.',
        hash: 'src=2&view=perf',
      },
      {
        title: 'The reading',
        text: 'The checklist reads all three recordings: two normal upgrades and one restart loop, so the rule fails and its link opens the loop.',
        question: 'What would "exec never happened" look like?',
        answer: 'No exec row for the process name although the recording covers the upgrade window: the old binary is still running.',
        hash: 'view=checklist',
      },
    ],
  },
  {
    id: 'map-never-shrinks',
    title: 'A map that never shrinks',
    summary: 'A Go map grown to 100k entries and then emptied keeps its tables: memory held versus memory needed.',
    artifacts: ['lessons/int-100k-mostly-deleted.json'],
    rules: [{ rule: 'map-memory', status: 'fail' }],
    steps: [
      {
        title: 'The heatmap',
        text: 'Each cell is a group of 8 slots. Deleted entries leave tombstones or empty slots, but the tables stay allocated: Go maps never shrink.',
        question: 'How many bytes does the map hold, and how many would its live entries need?',
        answer: 'The map view shows both figures ("held" vs "needed") and their ratio.',
        hash: 'view=map',
      },
      {
        title: 'The remedy',
        text: 'The only way to give the memory back is to copy the live entries into a new map and drop the old one (or use clear and accept the held size).',
        question: 'Why does clear(m) not help with memory?',
        answer: 'clear empties the slots but keeps the allocated tables; only a new, smaller map releases them to the GC.',
        hash: 'view=checklist',
      },
    ],
  },
];

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
