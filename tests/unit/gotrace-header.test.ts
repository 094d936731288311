// Header detection for Go execution traces: every corpus file, plus synthetic headers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/formats/errors.ts';
import { readGenerations, readGoTrace, readGoTraceHeader } from '../../src/formats/gotrace/index.ts';
import { corpusPath, describeCorpus } from '../helpers/corpus.ts';

interface ManifestEntry {
  path: string;
  version?: string;
  format: string;
}

function header(text: string): Uint8Array {
  const b = new Uint8Array(16);
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
  return b;
}

function decodeErrorOf(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected a DecodeError');
}

describe('gotrace header (synthetic)', () => {
  it('recognises the generational versions', () => {
    for (const v of [22, 23, 25, 26]) {
      const h = readGoTraceHeader(header(`go 1.${v} trace`));
      expect(h).toMatchObject({ kind: 'v2', version: v, size: 16, text: `go 1.${v} trace` });
    }
  });

  it('recognises the legacy versions Go reads (11, 19, 21)', () => {
    for (const v of [11, 19, 21]) {
      const h = readGoTraceHeader(header(`go 1.${v} trace`));
      expect(h.kind).toBe('legacy');
      expect(h.version).toBe(v);
      if (h.kind === 'legacy') expect(h.message).toMatch(/legacy format.*converted/);
    }
    // A header alone is not a trace: Go's legacy parser wants a frequency (v1 tests cover the rest).
    const r = readGoTrace(header('go 1.21 trace'));
    expect(r.header.kind).toBe('legacy');
    expect(r.list).toHaveLength(0);
    expect(r.warning?.message).toMatch(/no EvFrequency event/);
  });

  it('rejects other versions with "unsupported trace version"', () => {
    for (const v of [5, 7, 9, 10, 12, 18, 20, 24, 27, 99]) {
      const e = decodeErrorOf(() => readGoTraceHeader(header(`go 1.${v} trace`)));
      expect(e.message).toContain(`unsupported trace version 1.${v}`);
      expect(e.where.offset).toBe(0);
      // The generator surfaces the same error.
      expect(() => readGenerations(header(`go 1.${v} trace`)).next()).toThrow(DecodeError);
    }
  });

  it('rejects non-traces, malformed and short headers', () => {
    expect(decodeErrorOf(() => readGoTraceHeader(new Uint8Array(0))).message).toMatch(/not a Go execution trace/);
    expect(decodeErrorOf(() => readGoTraceHeader(new TextEncoder().encode('-- expect --\nSUCCESS\n'))).message).toMatch(/not a Go execution trace/);
    expect(decodeErrorOf(() => readGoTraceHeader(header('go 1.22 trace').subarray(0, 10))).message).toMatch(/truncated header/);
    expect(decodeErrorOf(() => readGoTraceHeader(header('go 1.22 tracX'))).message).toMatch(/malformed/);
    expect(decodeErrorOf(() => readGoTraceHeader(header('go 1.x trace'))).message).toMatch(/malformed/);
    const padded = header('go 1.22 trace');
    padded[15] = 0x41; // non-NUL padding
    expect(decodeErrorOf(() => readGoTraceHeader(padded)).message).toMatch(/malformed/);
  });
});

describeCorpus('gotrace', 'gotrace header (corpus)', () => {
  const manifest = JSON.parse(readFileSync(corpusPath('gotrace', 'manifest.json'), 'utf8')) as ManifestEntry[];
  const binaries = manifest.filter((m) => m.format.startsWith('binary'));
  const texts = manifest.filter((m) => !m.format.startsWith('binary'));

  it('the manifest lists the expected number of files', () => {
    expect(manifest.length).toBe(120);
    expect(binaries.length).toBeGreaterThanOrEqual(70);
  });

  it.each(binaries.map((m) => [m.path, m] as const))('%s', (_p, m) => {
    const bytes = new Uint8Array(readFileSync(corpusPath('gotrace', m.path)));
    const minor = Number(m.version!.split('.')[1]);
    if ([22, 23, 25, 26].includes(minor)) {
      expect(m.format).toMatch(/v2/);
      expect(readGoTraceHeader(bytes)).toMatchObject({ kind: 'v2', version: minor });
    } else if (minor >= 11 && minor <= 21) {
      expect(m.format).toMatch(/legacy/);
      expect(readGoTraceHeader(bytes)).toMatchObject({ kind: 'legacy', version: minor });
    } else {
      expect(decodeErrorOf(() => readGoTraceHeader(bytes)).message).toContain(`unsupported trace version 1.${minor}`);
    }
  });

  it('text files (txtar tests, fuzz corpus text, README) are not binary traces', () => {
    for (const m of texts) {
      const bytes = new Uint8Array(readFileSync(corpusPath('gotrace', m.path)));
      expect(() => readGoTraceHeader(bytes), m.path).toThrow(DecodeError);
    }
  });
});
