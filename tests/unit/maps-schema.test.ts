import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseMapSnapshot, parseMapSnapshotLenient } from '../../src/formats/mapsnap/parse';
import { DecodeError } from '../../src/formats/errors';
import { runSimulation } from '../../src/analysis/maps/simulate';
import { MAPSNAP_SCHEMA, ctrlBytes, ctrlWord } from '../../src/formats/mapsnap/schema';

const dir = join(__dirname, '../../testdata/mapsnap');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

function load(name: string): any {
  return JSON.parse(readFileSync(join(dir, name), 'utf8'));
}

function errorOf(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('mapsnap schema round-trips', () => {
  it('has the example snapshots', () => {
    expect(files).toEqual(
      expect.arrayContaining(['small-int-5.json', 'string-100.json', 'struct-1000.json', 'int-5000-deleted-third.json', 'int-100k-mostly-deleted.json']),
    );
  });

  for (const f of files) {
    it(`round-trips ${f}`, () => {
      const text = readFileSync(join(dir, f), 'utf8');
      const s = parseMapSnapshot(text);
      expect(s.schema).toBe(MAPSNAP_SCHEMA);
      // classic-*.json: go/mapsnap built with go1.23.0; the others with go1.26.
      expect(s.layout).toBe(f.startsWith('classic-') ? 'classic' : 'swiss');
      expect(s.capture.method).toBe('unsafe-runtime');
      // Nothing the Go writer emits is lost, and re-parsing our output is stable.
      expect(s).toEqual(JSON.parse(text));
      expect(parseMapSnapshot(JSON.stringify(s))).toEqual(s);
    });
  }

  it('round-trips simulator snapshots of both layouts', () => {
    for (const layout of ['swiss', 'classic']) {
      for (const st of runSimulation(`layout ${layout}\ninsert 1..300\ndelete 1..250\ninsert x1..x40`)) {
        expect(parseMapSnapshot(JSON.stringify(st.snapshot))).toEqual(st.snapshot);
      }
    }
  });

  it('ctrl word helpers are little-endian', () => {
    const b = [0x80, 0x01, 0xfe, 0x7f, 0x80, 0x80, 0x80, 0x12];
    expect(ctrlWord(b)).toBe('0x128080807ffe0180');
    expect(ctrlBytes(ctrlWord(b))).toEqual(b);
  });
});

describe('mapsnap malformed input names the field path', () => {
  const base = () => load('string-100.json');

  it('bad JSON', () => {
    expect(errorOf(() => parseMapSnapshot('{"schema": ')).message).toMatch(/^mapsnap: not JSON/);
  });

  it('wrong schema', () => {
    const s = base();
    s.schema = 'go-map-snapshot/v0';
    expect(errorOf(() => parseMapSnapshot(s)).message).toContain('$.schema: expected "stacklens.mapsnap/v1"');
  });

  it('bad control word', () => {
    const s = base();
    s.swiss.tables[0].groups[3].ctrl = '0xZZ';
    expect(errorOf(() => parseMapSnapshot(s)).message).toContain('$.swiss.tables[0].groups[3].ctrl: expected "0x"');
  });

  it('slot index out of range', () => {
    const s = base();
    s.swiss.tables[0].groups[2].slots[0].i = 9;
    expect(errorOf(() => parseMapSnapshot(s)).message).toContain('$.swiss.tables[0].groups[2].slots[0].i: 9 is outside 0..7');
  });

  it('missing capture field', () => {
    const s = base();
    delete s.capture.hashesExact;
    expect(errorOf(() => parseMapSnapshot(s)).message).toContain('$.capture.hashesExact: expected a boolean, got nothing');
  });

  it('directory length and unknown table ids', () => {
    const s = base();
    s.swiss.directory = [0, 0];
    expect(errorOf(() => parseMapSnapshot(s)).message).toContain('$.swiss.directory: has 2 entries, dirLen is 1');
    const t = base();
    t.swiss.directory = [7];
    expect(errorOf(() => parseMapSnapshot(t)).message).toContain('$.swiss.directory[0]: table id 7 is not in tables');
  });

  it('capacity must be a power of two', () => {
    const s = base();
    s.swiss.tables[0].capacity = 100;
    expect(errorOf(() => parseMapSnapshot(s)).message).toContain('$.swiss.tables[0].capacity: 100 is not a power of two');
  });

  it('classic tophash rows', () => {
    const snap: any = runSimulation('layout classic\ninsert 1..20')[0]!.snapshot;
    snap.classic.buckets[1].chain[0].tophash = [1, 2, 3];
    expect(errorOf(() => parseMapSnapshot(snap)).message).toContain('$.classic.buckets[1].chain[0].tophash: expected 8 bytes, got 3 items');
    snap.classic.buckets[1].chain[0].tophash = [0, 0, 0, 0, 0, 0, 0, 300];
    expect(errorOf(() => parseMapSnapshot(snap)).message).toContain('$.classic.buckets[1].chain[0].tophash[7]: expected a byte, got 300');
  });

  it('lenient parsing keeps what parsed', () => {
    const s = base();
    s.swiss.tables[0].groups[5].ctrl = 12;
    s.swiss.tables[0].groups[6].slots[0].hash = 'nope';
    const n = s.swiss.tables[0].groups.length;
    const r = parseMapSnapshotLenient(s);
    expect(r.problems.map((p) => p.message)).toEqual([
      'mapsnap: $.swiss.tables[0].groups[5].ctrl: expected a string, got number',
      'mapsnap: $.swiss.tables[0].groups[6].slots[0].hash: expected "0x" + up to 16 hex digits, got "nope"',
    ]);
    expect(r.snapshot.swiss!.tables![0]!.groups.length).toBe(n - 1);
    expect(r.snapshot.count).toBe(100);
    // A bad header still throws.
    const h = base();
    h.layout = 'btree';
    expect(errorOf(() => parseMapSnapshotLenient(h)).message).toContain('$.layout: expected "swiss" or "classic", got "btree"');
  });
});
