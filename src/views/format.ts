// Small display helpers over analysis/units.ts (pprof-identical number formatting).

import { percentage, scaledLabel } from '../analysis/units';

export function fmtValue(v: number, unit: string): string {
  return scaledLabel(v, unit);
}

/** "12.34%" without pprof's column padding. */
export function fmtPct(v: number, total: number): string {
  return percentage(v, total).trim();
}

export function kindLabel(kind: number): string {
  switch (kind) {
    case 1:
      return 'kernel';
    case 2:
      return 'JIT';
    case 3:
      return 'unsymbolized';
    default:
      return '';
  }
}

/** The noun for a count of n: plural unless n is exactly one. */
export function nounFor(n: number, noun: string, plural = `${noun}s`): string {
  return n === 1 ? noun : plural;
}

/** "1 sample", "2,048 samples": a count with its noun (nounFor). */
export function fmtCount(n: number, noun: string, plural?: string): string {
  return `${n.toLocaleString()} ${nounFor(n, noun, plural)}`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

/** Only http(s) URLs become links (doc_url and friends are untrusted text). */
export function safeHttpUrl(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
