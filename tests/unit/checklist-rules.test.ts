// Every checklist rule on real fixtures that make it pass and fail (and, where it applies,
// on evidence that cannot evaluate it), with the numbers behind the status and the link
// into the view that shows them. Fixtures: testdata/lessons (tools/gen/servicetrace,
// tools/gen/restartloop), testdata/godump (tools/gen/crashdump), testdata/perf
// (tools/gen/hotupgrade), testdata/mapsnap (go/mapsnap), public/examples (tools/gen).

import { describe, expect, it } from 'vitest';
import { LESSONS as L, ruleOn } from './checklist-fixtures';

const CPU = 'public/examples/cpu.pb.gz';
const MUTEX_EXAMPLE = 'public/examples/mutex.pb.gz';
const GOROUTINE_EXAMPLE = 'public/examples/goroutine.pb.gz';
const MAP_WRITES = 'testdata/godump/concurrent-map-writes.txt';
const MAP_READ_WRITE_ALL = 'testdata/godump/concurrent-map-read-write.all.txt';
const LEAK_SIGQUIT = 'testdata/godump/leak-sigquit.txt';
const FORKEXEC = 'testdata/perf/forkexec.perf.txt';
const INPLACE = 'testdata/perf/inplace.perf.txt';
const MAP_SHRUNK = 'testdata/mapsnap/int-100k-mostly-deleted.json';
const MAP_THIRD = 'testdata/mapsnap/int-5000-deleted-third.json';

describe('gc-stw-p99 (P99 GC pause ≤ 10 ms)', () => {
  it('passes on the healthy service: sub-millisecond pauses', async () => {
    const r = await ruleOn('gc-stw-p99', [L.healthy]);
    expect(r.status).toBe('pass');
    expect(r.values.pauses).toBeGreaterThanOrEqual(4);
    expect(r.values.p99Ms).toBeLessThan(10);
  });
  it('fails when tight loops without preemption hold every stop-the-world', async () => {
    const r = await ruleOn('gc-stw-p99', [L.stw]);
    expect(r.status).toBe('fail');
    // The batch loops run ~30 ms between preemption points.
    expect(r.values.p99Ms).toBeGreaterThan(10);
    expect(r.link).toMatchObject({ source: 0, settings: { view: 'timeline' } });
    const [t0, t1] = r.link!.settings.timeRange!;
    expect(t1 - t0).toBeGreaterThan(r.values.maxMs * 1e6);
  });
  it('passes again with the threshold above the measured p99, and warns on the 20 ms single-pause line', async () => {
    const p99 = (await ruleOn('gc-stw-p99', [L.stw])).values.p99Ms;
    const loose = await ruleOn('gc-stw-p99', [L.stw], { 'gc.stwP99Ms': Math.ceil(p99) + 1, 'gc.stwMaxMs': Math.ceil(p99) + 1 });
    expect(loose.status).toBe('pass');
    const warn = await ruleOn('gc-stw-p99', [L.stw], { 'gc.stwP99Ms': Math.ceil(p99) + 1, 'gc.stwMaxMs': 1 });
    expect(warn.status).toBe('warn');
  });
  it('cannot evaluate without a trace, and says what it needs', async () => {
    const r = await ruleOn('gc-stw-p99', [CPU]);
    expect(r.status).toBe('cannot-evaluate');
    expect(r.reason).toMatch(/execution trace/);
  });
});

describe('latency-spike (window P99 > median + 3σ for ≤ 3 windows)', () => {
  it('passes on the healthy service', async () => {
    const r = await ruleOn('latency-spike', [L.healthy]);
    expect(r.status).toBe('pass');
    expect(r.measured).toMatch(/"request" task durations/);
    expect(r.values.windows).toBeGreaterThanOrEqual(5);
  });
  it('fails on the scheduler-latency trace: requests wait behind the CPU burst', async () => {
    const r = await ruleOn('latency-spike', [L.sched]);
    expect(r.status).toBe('fail');
    expect(r.values.worstP99Ms).toBeGreaterThan(r.values.medianP99Ms + 5);
    // The burst starts in the middle of the trace: the link points there.
    const [t0] = r.link!.settings.timeRange!;
    expect(t0).toBeGreaterThanOrEqual(800e6);
    expect(t0).toBeLessThan(1600e6);
  });
  it('a spike longer than latency.maxSpikeWindows is a sustained shift (warn), not a spike', async () => {
    const r = await ruleOn('latency-spike', [L.sched], { 'latency.windowMs': 50, 'latency.maxSpikeWindows': 1 });
    expect(['warn', 'fail']).toContain(r.status);
    const none = await ruleOn('latency-spike', [L.sched], { 'latency.minSpikeMs': 1e6 });
    expect(none.status).toBe('pass');
  });
  it('cannot evaluate a trace with fewer than 5 windows', async () => {
    const r = await ruleOn('latency-spike', [L.healthy], { 'latency.windowMs': 1000 });
    expect(r.status).toBe('cannot-evaluate');
    expect(r.reason).toMatch(/at least 5/);
  });
});

describe('gc-cpu-share', () => {
  it('passes on the healthy service', async () => {
    const r = await ruleOn('gc-cpu-share', [L.healthy]);
    expect(r.status).toBe('pass');
    expect(r.values.gcPct).toBeLessThan(10);
  });
  it('fails under GC pressure (memory limit at the live heap)', async () => {
    const r = await ruleOn('gc-cpu-share', [L.gcPressure]);
    expect(r.status).toBe('fail');
    expect(r.values.gcPct).toBeGreaterThan(25);
    expect(r.values.gcPct).toBeCloseTo(r.values.backgroundPct + r.values.assistPct + r.values.stwPct, 0);
  });
});

describe('gc-assist-share', () => {
  it('passes on the healthy service', async () => {
    expect((await ruleOn('gc-assist-share', [L.healthy])).status).toBe('pass');
  });
  it('fails under GC pressure, linking the longest assist on its goroutine', async () => {
    const r = await ruleOn('gc-assist-share', [L.gcPressure]);
    expect(r.status).toBe('fail');
    expect(r.values.assistPct).toBeGreaterThan(10);
    expect(r.link?.settings.view).toBe('timeline');
    expect(r.link?.settings.goroutine).toMatch(/^\d+$/);
  });
});

describe('sched-wait-p99', () => {
  it('passes on the healthy service', async () => {
    const r = await ruleOn('sched-wait-p99', [L.healthy]);
    expect(r.status).toBe('pass');
    expect(r.values.worstP99Ms).toBeLessThan(5);
  });
  it('fails with GOMAXPROCS=1 and CPU hogs', async () => {
    const r = await ruleOn('sched-wait-p99', [L.sched]);
    expect(r.status).toBe('fail');
    expect(r.values.worstP99Ms).toBeGreaterThan(25);
    expect(r.link?.settings.goroutine).toMatch(/^\d+$/);
  });
});

describe('lock-wait (sync.Mutex waits > 5 ms)', () => {
  it('passes on the healthy service and on the example mutex profile (short critical sections)', async () => {
    expect((await ruleOn('lock-wait', [L.healthy])).status).toBe('pass');
    const p = await ruleOn('lock-wait', [MUTEX_EXAMPLE]);
    expect(p.status).toBe('pass');
    expect(p.values.worstMeanMs).toBeLessThanOrEqual(5);
  });
  it('fails on the mutex-contention trace, naming the waiting code', async () => {
    const r = await ruleOn('lock-wait', [L.mutexTrace]);
    expect(r.status).toBe('fail');
    expect(r.measured).toMatch(/main\.\(\*sessionTable\)\.touch/);
    expect(r.values.p99Ms).toBeGreaterThan(5);
  });
  it('fails on the same run\'s mutex profile (mean wait per contention of the snapshot holder > 5 ms)', async () => {
    const r = await ruleOn('lock-wait', [L.mutexProfile]);
    expect(r.status).toBe('fail');
    expect(r.measured).toMatch(/sessionTable/);
    expect(r.link?.settings).toMatchObject({ view: 'flame', sampleType: 'delay' });
  });
});

describe('goroutines-blocked-long (minutes on one stack)', () => {
  it('fails on the debug=2 dump taken after the leaked goroutines waited a minute', async () => {
    const r = await ruleOn('goroutines-blocked-long', [L.leakDump]);
    expect(r.status).toBe('fail');
    expect(r.values.worstWaitMinutes).toBeGreaterThanOrEqual(1);
    expect(r.values.worstBlocked).toBeGreaterThanOrEqual(10);
    expect(r.measured).toMatch(/main\.auditLogger/);
    expect(r.link?.settings).toMatchObject({ view: 'goroutines' });
    expect(typeof r.link?.settings.group).toBe('number');
  });
  it('passes on a SIGQUIT dump of goroutines parked for less than a minute', async () => {
    const r = await ruleOn('goroutines-blocked-long', [LEAK_SIGQUIT]);
    expect(r.status).toBe('pass');
  });
  it('cannot evaluate a crash that printed only the crashing goroutine', async () => {
    const r = await ruleOn('goroutines-blocked-long', [MAP_WRITES]);
    expect(r.status).toBe('cannot-evaluate');
    expect(r.reason).toMatch(/GOTRACEBACK/);
  });
  it('fails below a raised per-stack count only when the count allows it', async () => {
    const r = await ruleOn('goroutines-blocked-long', [L.leakDump], { 'goroutines.blockedCount': 1e6 });
    expect(r.status).toBe('pass');
  });
});

describe('concurrent-map-access', () => {
  it('fails on the concurrent map crashes, pointing at the goroutine group', async () => {
    for (const f of [MAP_WRITES, MAP_READ_WRITE_ALL]) {
      const r = await ruleOn('concurrent-map-access', [f]);
      expect(r.status, f).toBe('fail');
      expect(r.measured).toMatch(/concurrent map/);
      expect(r.measured).toMatch(/main\.hammer/);
      expect(r.link?.settings.view).toBe('goroutines');
    }
  });
  it('passes on a dump without a map race', async () => {
    expect((await ruleOn('concurrent-map-access', [LEAK_SIGQUIT])).status).toBe('pass');
  });
  it('cannot evaluate a trace (the runtime reports map races only by crashing)', async () => {
    expect((await ruleOn('concurrent-map-access', [L.healthy])).status).toBe('cannot-evaluate');
  });
});

describe('gomaxprocs', () => {
  it('passes on the healthy service', async () => {
    expect((await ruleOn('gomaxprocs', [L.healthy])).status).toBe('pass');
  });
  it('fails where the single P is saturated and goroutines queue', async () => {
    const r = await ruleOn('gomaxprocs', [L.sched]);
    expect(r.status).toBe('fail');
    expect(r.values.gomaxprocs).toBe(1);
    expect(r.values.worstRatio).toBeGreaterThanOrEqual(1);
  });
  it('names the CPUs of a perf recording loaded beside the trace', async () => {
    const r = await ruleOn('gomaxprocs', [L.sched, FORKEXEC]);
    expect(r.measured).toMatch(/CPUs online \(perf header of testdata\/perf\/forkexec\.perf\.txt\)/);
  });
});

describe('gc-goal-vs-live (GOGC / GOMEMLIMIT inferred)', () => {
  it('passes on the healthy service: goal ≈ 2 × live (GOGC=100)', async () => {
    const r = await ruleOn('gc-goal-vs-live', [L.healthy]);
    expect(r.status).toBe('pass');
    expect(r.values.medianRatio).toBeGreaterThan(1.9);
    expect(r.values.inferredGOGC).toBeGreaterThanOrEqual(90);
  });
  it('fails when the memory limit pins the goal at the live heap', async () => {
    const r = await ruleOn('gc-goal-vs-live', [L.gcPressure]);
    expect(r.status).toBe('fail');
    expect(r.values.medianRatio).toBeLessThan(1.31);
    expect(r.measured).toMatch(/GOMEMLIMIT/);
  });
});

describe('hot-upgrade-exec (seed 000: one execve per upgrade)', () => {
  it('passes on the recorded fork+exec and in-place upgrades', async () => {
    for (const f of [FORKEXEC, INPLACE]) {
      const r = await ruleOn('hot-upgrade-exec', [f]);
      expect(r.status, f).toBe('pass');
      expect(r.values.worstExecs).toBe(1);
    }
  });
  it('fails on the restart loop: three self-replacing execs', async () => {
    const r = await ruleOn('hot-upgrade-exec', [L.restartLoop]);
    expect(r.status).toBe('fail');
    expect(r.values.worstExecs).toBe(3);
    expect(r.reason).toMatch(/restartloop replaced itself 3×/);
    expect(r.link?.settings).toMatchObject({ view: 'perf' });
  });
  it('cannot evaluate without a perf dump', async () => {
    expect((await ruleOn('hot-upgrade-exec', [L.healthy])).status).toBe('cannot-evaluate');
  });
});

describe('goroutine-leak', () => {
  it('passes on the healthy trace: requests end, the count returns', async () => {
    const r = await ruleOn('goroutine-leak', [L.healthy]);
    expect(r.status).toBe('pass');
    expect(Math.abs(r.values.delta)).toBeLessThanOrEqual(10);
  });
  it('fails on the leaking trace, naming the leaked goroutines and what they wait on', async () => {
    const r = await ruleOn('goroutine-leak', [L.leakTrace]);
    expect(r.status).toBe('fail');
    expect(r.values.delta).toBeGreaterThan(100);
    expect(r.measured).toMatch(/main\.auditLogger \(chan send\)/);
  });
  it('fails on the goroutine profile and the dump of the same leak', async () => {
    for (const f of [L.leakProfile, L.leakDump, GOROUTINE_EXAMPLE]) {
      const r = await ruleOn('goroutine-leak', [f]);
      expect(r.status, f).toBe('fail');
      expect(r.values.worstStack ?? r.values.worstBlocked).toBeGreaterThanOrEqual(100);
    }
  });
  it('warns on a dump with 40 goroutines parked on one stack (below 100, no age)', async () => {
    expect((await ruleOn('goroutine-leak', [LEAK_SIGQUIT])).status).toBe('warn');
  });
});

describe('heap-growth (live heap after GC)', () => {
  it('passes on the healthy service: the post-GC floor is flat', async () => {
    const r = await ruleOn('heap-growth', [L.healthy]);
    expect(r.status).toBe('pass');
    expect(r.values.mbPerSecond).toBeLessThan(0.8);
  });
  it('fails when leaked goroutines keep their 32 KiB entries', async () => {
    const r = await ruleOn('heap-growth', [L.leakTrace]);
    expect(r.status).toBe('fail');
    expect(r.values.mbPerSecond).toBeGreaterThan(0.8);
    expect(r.values.lastLiveBytes).toBeGreaterThan(r.values.firstLiveBytes);
  });
});

describe('mmu (minimum mutator utilization at 50 ms)', () => {
  it('passes on the healthy service', async () => {
    const r = await ruleOn('mmu', [L.healthy]);
    expect(r.status).toBe('pass');
    expect(r.values.mmuPct).toBeGreaterThanOrEqual(80);
  });
  it('fails with long stop-the-world pauses and under GC pressure', async () => {
    for (const f of [L.stw, L.gcPressure]) {
      const r = await ruleOn('mmu', [f]);
      expect(r.status, f).toBe('fail');
      expect(r.values.mmuPct).toBeLessThan(50);
      expect(r.link?.settings.view).toBe('timeline');
    }
  });
  it('uses the next smaller kept window for a window in between', async () => {
    const r = await ruleOn('mmu', [L.healthy], { 'mmu.windowMs': 30 });
    expect(r.values.windowMs).toBe(20);
    expect(r.measured).toMatch(/not kept; using 20 ms/);
  });
});

describe('map-memory (maps never shrink)', () => {
  it('passes on maps sized for their entries', async () => {
    for (const f of [MAP_THIRD, 'testdata/mapsnap/string-100.json']) expect((await ruleOn('map-memory', [f])).status, f).toBe('pass');
  });
  it('fails on the map grown to 100k entries and emptied to 1000', async () => {
    const r = await ruleOn('map-memory', [MAP_SHRUNK]);
    expect(r.status).toBe('fail');
    expect(r.values.ratio).toBeGreaterThan(4);
    expect(r.link).toEqual({ source: 0, settings: { view: 'map' } });
  });
  it('the 2× map fails once the ratio threshold is lowered below it', async () => {
    expect((await ruleOn('map-memory', [MAP_THIRD], { 'maps.heldRatio': 1.5, 'maps.minExcessKiB': 1 })).status).toBe('fail');
  });
});

describe('cpu-gc-malloc-share', () => {
  it('passes on the CPU example and on a perf cpu-clock recording', async () => {
    for (const f of [CPU, FORKEXEC]) {
      const r = await ruleOn('cpu-gc-malloc-share', [f]);
      expect(r.status, f).toBe('pass');
      expect(r.values.memoryPct).toBeLessThan(10);
    }
  });
  it('fails on the CPU profile (and the trace samples) of the GC-pressure run', async () => {
    for (const f of [L.gcPressureCpu, L.gcPressure]) {
      const r = await ruleOn('cpu-gc-malloc-share', [f]);
      expect(r.status, f).toBe('fail');
      expect(r.values.memoryPct).toBeGreaterThan(25);
      expect(r.link?.settings.view).toBe('flame');
      expect(r.link?.settings.zoomPath?.length).toBeGreaterThan(0);
    }
  });
});
