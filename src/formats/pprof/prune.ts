// drop_frames / keep_frames as `go tool pprof` applies them on load
// (profile.RemoveUninteresting): Go RE2 patterns anchored as ^(...)$ and matched
// against a simplified function name.

const RESERVED = ['(anonymous namespace)', 'operator()'];

/** pprof simplifyFunc: drop a leading '.', cut the argument list at the first '(' that
 * does not start a reserved name. */
export function simplifyFuncName(name: string): string {
  let f = name.startsWith('.') ? name.slice(1) : name;
  let from = 0;
  for (;;) {
    const p = f.indexOf('(', from);
    if (p < 0) return f;
    const reserved = RESERVED.find((r) => f.startsWith(r, p));
    if (!reserved) return f.slice(0, p);
    from = p + reserved.length;
  }
}

/**
 * Translates the RE2 constructs JavaScript spells differently. Returns null when the
 * pattern uses RE2 features with no JS equivalent (the caller warns instead of guessing).
 */
export function re2ToJs(re: string): string | null {
  if (/\(\?[imsU-]+\)/.test(re) || /\\[CpPQE]/.test(re)) return null;
  let out = re.replace(/\(\?P</g, '(?<').replace(/\\z/g, '(?![\\s\\S])').replace(/\\A/g, '^');
  const posix: Record<string, string> = {
    alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z',
    space: '\\s', xdigit: '0-9A-Fa-f', word: '\\w', punct: '!-\\/:-@\\[-`{-~',
  };
  let ok = true;
  out = out.replace(/\[:(\^?)(\w+):\]/g, (_m, neg: string, cls: string) => {
    if (neg || !posix[cls]) ok = false;
    return posix[cls] ?? '';
  });
  return ok ? out : null;
}

/**
 * Returns a predicate "prune from this frame" or null when there is nothing to prune.
 * Patterns JS cannot honour are reported in `warnings` and disable pruning entirely,
 * so the user sees unpruned (more) frames rather than wrongly pruned ones.
 */
export function compileFrameFilter(drop: string, keep: string, warnings: string[]): ((name: string) => boolean) | null {
  if (!drop) return null;
  const compile = (what: string, re: string): RegExp | null | undefined => {
    const js = re2ToJs(re);
    if (js !== null) {
      try {
        return new RegExp(`^(?:${js})$`);
      } catch {
        /* fall through to the warning */
      }
    }
    warnings.push(`The profile's ${what} pattern ${JSON.stringify(re)} uses Go regexp syntax the browser cannot run; frames were not pruned (go tool pprof would prune them).`);
    return undefined;
  };
  const dropRx = compile('drop_frames', drop);
  if (!dropRx) return null;
  let keepRx: RegExp | null = null;
  if (keep) {
    const k = compile('keep_frames', keep);
    if (k === undefined) return null;
    keepRx = k;
  }
  return (name: string) => dropRx.test(name) && !(keepRx && keepRx.test(name));
}
