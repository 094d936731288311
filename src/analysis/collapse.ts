// Folded stacks ("root;caller;leaf value" per line, sorted bytewise), the interchange
// format of FlameGraph, speedscope and inferno.

import type { StackProfile } from '../model/profile';
import { callTree, sampleWeights } from './callTree';
import { funcNodes } from './nodes';

export function foldedStacks(p: StackProfile, sampleType: number, mask?: Uint8Array | null): string {
  const t = callTree(p, sampleWeights(p, sampleType, mask));
  // One stack per line: a line break inside a (hostile) name would forge another stack.
  const names = funcNodes(p).names.map((n) => n.replace(/[\r\n]/g, ' '));
  const path: string[] = new Array(t.length);
  const lines: string[] = [];
  for (let n = 1; n < t.length; n++) {
    const name = names[t.key[n]];
    path[n] = t.parent[n] === 0 ? name : `${path[t.parent[n]]};${name}`;
    if (t.self[n] !== 0) lines.push(`${path[n]} ${t.self[n]}`);
  }
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
