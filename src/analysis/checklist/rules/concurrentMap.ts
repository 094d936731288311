import type { Rule } from '../types';
import { perSource } from './common';

export const concurrentMap: Rule = {
  id: 'concurrent-map-access',
  title: 'Concurrent map access (fatal error in a dump)',
  dimension: 'resource',
  // A trace cannot show it: the runtime's map-race check reports only by crashing.
  needs: 'a Go crash or goroutine dump (the runtime reports an unsynchronised map only by crashing)',
  thresholds: [],
  evaluate(evidence) {
    return perSource(
      evidence,
      (e) => e.dump,
      (d) => {
        const m = d.concurrentMap;
        if (m) {
          const calls = m.calls
            .slice(0, 3)
            .map((c) => `goroutine ${c.goroutine ?? '?'} in ${c.mapFunc}${c.caller ? ` from ${c.caller}` : ''}`)
            .join('; ');
          return {
            status: 'fail',
            measured: `fatal error: ${m.message}; ${m.goroutines.length} goroutine(s) caught in map functions${calls ? `: ${calls}` : ''}`,
            values: { mapGoroutines: m.goroutines.length },
            reason: 'the runtime detected unsynchronised map access (seed 004 ch. 1): guard the map with a sync.Mutex/RWMutex or use sync.Map',
            where: m.where,
          };
        }
        return {
          status: 'pass',
          measured: d.fatalError ? `fatal error: ${d.fatalError} (not a map race)` : `${d.kind} dump of ${d.goroutines} goroutines without a map fatal error`,
          values: { mapGoroutines: 0 },
          reason: 'no concurrent map fatal error',
          where: d.where,
        };
      },
      'needs a Go crash or goroutine dump',
    );
  },
};
