import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodePprof } from './src/formats/pprof/proto.ts';
import { analyze } from './src/analysis/query.ts';
const raw = new Uint8Array(gunzipSync(readFileSync(process.argv[2])));
const p = decodePprof(raw);
analyze(p, { sampleType: p.defaultSampleType, inverted: false, tagFocus: [], focusKey: null });
