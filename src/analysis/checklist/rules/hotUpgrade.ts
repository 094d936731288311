// Hot upgrades seen through execve (seed 000): the moment a graceful restart really replaces
// the program is the execve of the new binary. One self-replacing exec per program name is a
// normal upgrade; several are a restart loop (or repeated upgrades: look at the times); none
// means the upgrade never reached execve. Read by analysis/perf/upgrade.ts.
import type { Rule } from '../types';
import { perSource } from './common';

export const hotUpgrade: Rule = {
  id: 'hot-upgrade-exec',
  title: 'Hot upgrade: one execve per upgrade',
  dimension: 'configuration',
  needs: 'a perf script dump recorded with syscalls:sys_enter_execve (better with sched:sched_process_exec and sched:sched_process_fork)',
  thresholds: [
    {
      id: 'upgrade.maxSelfExecs',
      label: 'self-replacing execs per program name at most',
      default: 1,
      unit: 'execs',
      source: 'seed 000 (verifying hot upgrades with sys_enter_execve): one execve = a normal upgrade, several = a restart loop, none = the exec never happened',
    },
  ],
  evaluate(evidence, thr) {
    const max = thr['upgrade.maxSelfExecs'];
    return perSource(
      evidence,
      (e) => e.perf,
      (p) => {
        if (!p.execRecorded) return { status: 'cannot-evaluate', measured: '', values: {}, reason: 'the recording has no execve/exec tracepoints (perf record -e syscalls:sys_enter_execve -e sched:sched_process_exec)', where: null };
        const count = (n: (typeof p.byName)[number]) => (p.execConfirmed ? n.selfReplacements : n.execveByName);
        const progs = p.byName.filter((n) => count(n) > 0);
        const worst = [...progs].sort((a, b) => count(b) - count(a))[0];
        // The programs that exec'd themselves; the rest (shells launching them) only when none did.
        const readings = (progs.length > 0 ? progs : p.byName).map((n) => n.reading).join('; ');
        const values = { programs: progs.length, worstExecs: worst ? count(worst) : 0, failedExecves: p.failedExecves };
        if (worst && count(worst) > max) {
          const times = worst.timesSec.map((t) => t.toFixed(3)).join(', ');
          return {
            status: 'fail',
            measured: `${readings}${times ? ` (at ${times} s)` : ''}`,
            values,
            reason: `${worst.comm} replaced itself ${count(worst)}× (> ${max}): a restart loop, or upgrades repeated in one recording`,
            where: worst.where,
          };
        }
        if (p.failedExecves > 0) return { status: 'warn', measured: readings, values, reason: `${p.failedExecves} sys_enter_execve without a matching exec: an upgrade attempt failed`, where: p.where };
        if (!worst) return { status: 'warn', measured: readings || 'no program replaced itself', values, reason: 'no self-replacing exec: if an upgrade was expected, it never reached execve', where: p.where };
        return { status: 'pass', measured: readings, values, reason: `every program that replaced itself did so at most ${max}×${p.execConfirmed ? '' : ' (unconfirmed without sched_process_exec)'}`, where: worst.where };
      },
      'needs a perf script dump with execve tracepoints (see tools/gen/hotupgrade/record.sh)',
    );
  },
};
