// URL-hash state: encode/decode round trips (hostile names included) and the pure
// helpers the history sync relies on.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, onlySearchDiffers, sameSettings, toggleTagValue, type ViewSettings } from '../../src/state/settings';
import { decodeHash, encodeHash, parseSourceParams, sourcesSearch } from '../../src/state/url';

const HOSTILE = [
  'a;b',
  'x&y=z#w',
  'k=v&view=top',
  '#fragment',
  '100%',
  '%E2%82%AC literal',
  'a+b c',
  'pkg.(*T).m',
  'слово.函数.λ',
  '🔥emoji',
  '<img src=x onerror="window.__xss=1">',
  'tag:key,with,commas',
  '',
  ';',
  '?url=http://evil',
];

function settings(p: Partial<ViewSettings>): ViewSettings {
  return { ...DEFAULT_SETTINGS, zoomPath: [], tagFocus: [], ...p };
}

describe('encodeHash / decodeHash', () => {
  it('defaults encode to just the view and decode back', () => {
    expect(encodeHash(DEFAULT_SETTINGS)).toBe('view=flame');
    expect(decodeHash('')).toEqual(DEFAULT_SETTINGS);
    expect(decodeHash('#')).toEqual(DEFAULT_SETTINGS);
    expect(decodeHash('#view=flame')).toEqual(DEFAULT_SETTINGS);
  });

  it('decodes the documented example', () => {
    const s = decodeHash('#view=flame&st=alloc_space&zoom=main.main;main.work&q=fib&fn=main.fib&inv=1&tag=worker:hash');
    expect(s).toEqual(
      settings({
        view: 'flame',
        sampleType: 'alloc_space',
        zoomPath: ['main.main', 'main.work'],
        search: 'fib',
        selectedFunction: 'main.fib',
        inverted: true,
        tagFocus: [{ key: 'worker', values: ['hash'] }],
      }),
    );
  });

  it('round-trips every field', () => {
    const s = settings({
      view: 'sandwich',
      sampleType: 'inuse_space',
      inverted: true,
      search: 'fib|walk',
      searchRegex: true,
      zoomPath: ['runtime.main', 'main.main', 'main.(*server).handle'],
      selectedFunction: 'main.fib',
      tagFocus: [
        { key: 'worker', values: ['hash', 'sort'] },
        { key: 'shard', values: ['0'] },
      ],
    });
    const h = encodeHash(s);
    expect(decodeHash(h)).toEqual(s);
    expect(decodeHash(`#${h}`)).toEqual(s);
  });

  it('round-trips hostile names in every position', () => {
    for (const name of HOSTILE) {
      const s = settings({
        view: 'top',
        sampleType: name,
        search: name,
        zoomPath: [name, `${name}.child`, name],
        selectedFunction: name,
        tagFocus: name === '' ? [] : [{ key: name, values: [name, `${name}2`] }],
      });
      const h = encodeHash(s);
      // Separators of the format never appear raw inside a value.
      expect(h.split('&').every((part) => part.indexOf('=') > 0)).toBe(true);
      expect(h).not.toContain('#');
      expect(decodeHash(h), `name ${JSON.stringify(name)}`).toEqual(s);
    }
  });

  it('keeps an empty-named zoom element distinct from no zoom', () => {
    const s = settings({ zoomPath: [''] });
    expect(decodeHash(encodeHash(s)).zoomPath).toEqual(['']);
    expect(decodeHash(encodeHash(settings({}))).zoomPath).toEqual([]);
  });

  it('tolerates malformed input without throwing', () => {
    expect(() => decodeHash('#q=%E0%A4%A&fn=%&zoom=%%;a')).not.toThrow();
    const s = decodeHash('#q=%E0%A4%A&view=nonsense&unknown=1&inv=yes&tag=novalue:;:x;k:');
    expect(s.search).toBe('%E0%A4%A');
    expect(s.view).toBe('flame');
    expect(s.inverted).toBe(false);
    expect(s.tagFocus).toEqual([]);
  });

  it('round-trips the perf selection (event, weight, pid/tid) with the time range', () => {
    const s = settings({ view: 'perf', perfEvent: 'sched:sched_switch', perfWeight: 'count', perfPid: 12717, perfTid: 12720, timeRange: [1500, 98334000] });
    const h = encodeHash(s);
    expect(h).toBe('view=perf&t=1500-98334000&ev=sched%3Asched_switch&w=count&pid=12717&tid=12720');
    expect(decodeHash(h)).toEqual(s);
    // Defaults stay out of the hash; a pid without a tid is a process filter.
    expect(encodeHash(settings({ view: 'perf', perfPid: 7 }))).toBe('view=perf&pid=7');
    expect(decodeHash('#view=perf&pid=7')).toEqual(settings({ view: 'perf', perfPid: 7 }));
    for (const name of HOSTILE) expect(decodeHash(encodeHash(settings({ perfEvent: name }))).perfEvent, JSON.stringify(name)).toBe(name);
    // Malformed perf values are ignored, not guessed.
    const bad = decodeHash('#ev=%E0%A4%A&w=bytes&pid=-3&tid=12a&pid=99999999999');
    expect(bad.perfEvent).toBe('%E0%A4%A');
    expect(bad.perfWeight).toBe('period');
    expect(bad.perfPid).toBeNull();
    expect(bad.perfTid).toBeNull();
    expect(sameSettings(s, { ...s, perfTid: null })).toBe(false);
    expect(sameSettings(s, { ...s, perfWeight: 'period' })).toBe(false);
  });

  it('drops tag filters without values when encoding', () => {
    const s = settings({ tagFocus: [{ key: 'a', values: [] }] });
    expect(encodeHash(s)).toBe('view=flame');
  });
});

describe('settings helpers', () => {
  it('detects search-only changes (typing replaces history)', () => {
    const a = settings({ search: 'fi' });
    expect(onlySearchDiffers(a, { ...a, search: 'fib' })).toBe(true);
    expect(onlySearchDiffers(a, { ...a, searchRegex: true })).toBe(true);
    expect(onlySearchDiffers(a, { ...a, search: 'fib', view: 'top' })).toBe(false);
    expect(onlySearchDiffers(a, { ...a })).toBe(false);
    expect(sameSettings(a, { ...a, zoomPath: [] })).toBe(true);
    expect(sameSettings(a, { ...a, zoomPath: ['x'] })).toBe(false);
  });

  it('toggles tag-focus values', () => {
    let f = toggleTagValue([], 'worker', 'hash');
    expect(f).toEqual([{ key: 'worker', values: ['hash'] }]);
    f = toggleTagValue(f, 'worker', 'sort');
    expect(f).toEqual([{ key: 'worker', values: ['hash', 'sort'] }]);
    f = toggleTagValue(f, 'shard', '0');
    f = toggleTagValue(f, 'worker', 'hash');
    expect(f).toEqual([
      { key: 'worker', values: ['sort'] },
      { key: 'shard', values: ['0'] },
    ]);
    f = toggleTagValue(f, 'worker', 'sort');
    expect(f).toEqual([{ key: 'shard', values: ['0'] }]);
  });
});

describe('source params (search part)', () => {
  it('reads every ?url= and ?example= in order', () => {
    expect(parseSourceParams('?url=https%3A%2F%2Fx.test%2Fa.pb.gz&example=cpu')).toEqual([
      { kind: 'url', value: 'https://x.test/a.pb.gz' },
      { kind: 'example', value: 'cpu' },
    ]);
    expect(parseSourceParams('?example=heap')).toEqual([{ kind: 'example', value: 'heap' }]);
    expect(parseSourceParams('')).toEqual([]);
    expect(parseSourceParams('?other=1&url=')).toEqual([]);
  });

  it('round-trips through sourcesSearch, leaving local files out', () => {
    const list = [
      { kind: 'url' as const, value: 'https://x.test/p?a=1&b=2#frag' },
      { kind: 'example' as const, value: 'cpu' },
      { kind: 'url' as const, value: 'https://x.test/second.pb.gz' },
    ];
    expect(parseSourceParams(sourcesSearch(list))).toEqual(list);
    expect(sourcesSearch([{ kind: 'file', value: 'local.pb.gz' }])).toBe('');
    expect(sourcesSearch([])).toBe('');
  });

  it('carries the active source index in the hash', () => {
    expect(encodeHash({ ...DEFAULT_SETTINGS, source: 2 })).toBe('src=2&view=flame');
    expect(decodeHash('src=2&view=top').source).toBe(2);
    expect(decodeHash('src=x&view=top').source).toBe(0);
    expect(encodeHash(DEFAULT_SETTINGS)).toBe('view=flame');
  });
});
