// A workshop lesson beside the views: the step's explanation and question (answer on
// demand), the checklist results the scenario teaches (evaluated live on the loaded
// artifacts), and step navigation — buttons, PageDown/PageUp (presentation clickers send
// these) and ] / [. Large-text mode for projectors. Everything is local: lessons work offline.

import { useEffect, useMemo } from 'react';
import { evaluateChecklist } from '../analysis/checklist';
import { lessonById, type Lesson } from '../lessons/lessons';
import { actions, useStore } from '../state/store';
import { decodeHash } from '../state/url';
import { useWorkspaceEvidence } from './ChecklistView';

function isTextEntry(el: EventTarget | null): boolean {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable);
}

function go(lesson: Lesson, step: number): void {
  const n = Math.max(1, Math.min(lesson.steps.length, step));
  actions.goToLessonStep(n, decodeHash(lesson.steps[n - 1].hash));
}

export function LessonPanel() {
  const lesson = useStore((s) => (s.lesson ? lessonById(s.lesson) : undefined));
  const stepNo = useStore((s) => s.settings.lessonStep ?? 1);
  const largeText = useStore((s) => s.settings.largeText);
  const loadingSources = useStore((s) => s.loading !== null || s.queued.length > 0);
  const thresholds = useStore((s) => s.settings.thresholds);
  const { evidence, pending } = useWorkspaceEvidence();
  const loading = loadingSources || pending > 0;
  const results = useMemo(() => evaluateChecklist(evidence, thresholds), [evidence, thresholds]);

  useEffect(() => {
    if (!lesson) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTextEntry(e.target)) return;
      const cur = useStore.getState().settings.lessonStep ?? 1;
      if (e.key === 'PageDown' || e.key === ']') go(lesson, cur + 1);
      else if (e.key === 'PageUp' || e.key === '[') go(lesson, cur - 1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lesson]);

  if (!lesson) return null;
  const step = lesson.steps[Math.min(stepNo, lesson.steps.length) - 1];
  return (
    <aside className="lesson-panel" data-testid="lesson" data-lesson={lesson.id} data-step={stepNo} aria-label="Lesson">
      <div className="lesson-head">
        <span className="lesson-kicker">Lesson</span>
        <label className="lesson-big" title="Large text for presenting">
          <input type="checkbox" checked={largeText} onChange={(e) => actions.setLargeText(e.target.checked)} data-testid="large-text" /> large text
        </label>
      </div>
      <h2>{lesson.title}</h2>
      <p className="muted">{lesson.summary}</p>
      <ol className="lesson-steps" aria-label="Steps">
        {lesson.steps.map((s, i) => (
          <li key={i} className={i + 1 === stepNo ? 'current' : undefined}>
            <button type="button" className="link-button" onClick={() => go(lesson, i + 1)} aria-current={i + 1 === stepNo ? 'step' : undefined}>
              {s.title}
            </button>
          </li>
        ))}
      </ol>
      <section className="lesson-step" data-testid="lesson-step">
        <h3>
          Step {stepNo} of {lesson.steps.length}: {step.title}
        </h3>
        <p>{step.text}</p>
        <p className="lesson-question">
          <strong>Question.</strong> {step.question}
        </p>
        <details>
          <summary>Answer</summary>
          <p>{step.answer}</p>
        </details>
      </section>
      <section className="lesson-rules">
        <h3>What the checklist says</h3>
        {loading && <p className="muted">Loading the artifacts…</p>}
        <ul>
          {lesson.rules.map((want) => {
            const r = results.find((x) => x.rule === want.rule);
            const status = r?.status ?? 'cannot-evaluate';
            return (
              <li key={want.rule} data-rule={want.rule} data-status={status} className={`status-${status}`}>
                <span className={`check-status status-${status}`}>{status === 'cannot-evaluate' ? 'n/a' : status}</span> {r?.title ?? want.rule}
                {r?.measured ? <div className="muted lesson-measured">{r.measured}</div> : null}
              </li>
            );
          })}
        </ul>
      </section>
      <div className="lesson-nav">
        <button type="button" className="button" disabled={stepNo <= 1} onClick={() => go(lesson, stepNo - 1)} data-testid="lesson-prev">
          ← Previous
        </button>
        <span className="muted">PageUp / PageDown</span>
        <button type="button" className="button button-primary" disabled={stepNo >= lesson.steps.length} onClick={() => go(lesson, stepNo + 1)} data-testid="lesson-next">
          Next →
        </button>
      </div>
    </aside>
  );
}
