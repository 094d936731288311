// Workshop lessons: every artifact is served (and equals the real fixture it was copied
// from), every step's deep link is a valid view state over the lesson's sources, and the
// checklist evaluated on the artifacts gives the statuses each lesson teaches.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateChecklist } from '../../src/analysis/checklist';
import { evidenceOfFile } from '../../src/cli/check';
import { LESSONS } from '../../src/lessons/lessons';
import { VIEWS } from '../../src/state/settings';
import { exampleUrl } from '../../src/state/examples';
import { decodeHash, encodeHash } from '../../src/state/url';

const root = path.resolve(import.meta.dirname, '../..');
const served = (name: string) => path.join(root, 'public', exampleUrl(name));

// The copies tools/gen/lessons.sh makes: public/examples/lessons/<base> from testdata/….
const copies = readFileSync(path.join(root, 'tools/gen/lessons.sh'), 'utf8')
  .split('\n')
  .filter((l) => /^testdata\//.test(l.trim()))
  .map((l) => l.trim());

describe('lesson artifacts', () => {
  it('every copy in public/examples/lessons equals its testdata original', () => {
    expect(copies.length).toBeGreaterThan(0);
    for (const src of copies) {
      const copy = path.join(root, 'public/examples/lessons', path.basename(src));
      expect(existsSync(copy), `${copy} missing: run tools/gen/lessons.sh`).toBe(true);
      expect(readFileSync(copy).equals(readFileSync(path.join(root, src))), `${copy} differs from ${src}: run tools/gen/lessons.sh`).toBe(true);
    }
  });

  for (const lesson of LESSONS) {
    it(`${lesson.id}: artifacts exist and steps link to valid views`, () => {
      for (const a of lesson.artifacts) expect(existsSync(served(a)), served(a)).toBe(true);
      expect(lesson.steps.length).toBeGreaterThanOrEqual(2);
      for (const step of lesson.steps) {
        const s = decodeHash(step.hash);
        expect(VIEWS).toContain(s.view);
        expect(s.source).toBeLessThan(lesson.artifacts.length);
        // The hash is what the app itself would write (no unknown or malformed keys).
        expect(encodeHash(s)).toBe(step.hash);
      }
    });
  }
});

describe('the checklist on each lesson teaches what the lesson says', () => {
  for (const lesson of LESSONS) {
    it(lesson.id, async () => {
      const evidence = await Promise.all(lesson.artifacts.map((a) => evidenceOfFile(served(a), path.basename(served(a)))));
      const results = evaluateChecklist(evidence);
      for (const want of lesson.rules) {
        const r = results.find((x) => x.rule === want.rule);
        expect(r, `rule ${want.rule} exists`).toBeTruthy();
        expect(`${want.rule}: ${r!.status} (${r!.measured}; ${r!.reason})`).toBe(`${want.rule}: ${want.status} (${r!.measured}; ${r!.reason})`);
      }
    });
  }
});
