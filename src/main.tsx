// Entry: restore view settings from the location hash, keep them in sync with
// history, start loading the sources ?url= / ?example= list, render the app.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LESSONS, lessonById } from './lessons/lessons';
import { actions, openFromLink, openLessonSources, showError, useStore } from './state/store';
import { decodeHash, installUrlSync, parseSourceParams } from './state/url';
import { SourceWorker } from './worker/client';
import { openSharedWorkspace } from './share/open';
import { payloadFromHash } from './share/payload';
import { REPORT_DATA_ID } from './share/report';
import './styles/app.css';

actions.applyFromUrl(decodeHash(location.hash));
installUrlSync({
  getSettings: () => useStore.getState().settings,
  getHistoryMode: () => useStore.getState().historyMode,
  applyFromUrl: actions.applyFromUrl,
  subscribe: (fn) => useStore.subscribe(fn),
  carriedHash: () => {
    const p = useStore.getState().linkPayload;
    return p ? `ws=${p}` : '';
  },
});

// What to open: an exported report's embedded evidence, a link's `ws=` evidence, or the
// sources the search part lists.
const reportData = document.getElementById(REPORT_DATA_ID)?.textContent?.trim() || null;
const linkData = payloadFromHash(location.hash);
const lessonParam = new URLSearchParams(location.search).get('lesson');
const lesson = lessonParam === null ? undefined : lessonById(lessonParam);
if (lessonParam !== null && !lesson) showError(`There is no lesson "${lessonParam}"; the lessons are: ${LESSONS.map((l) => l.id).join(', ')}.`);
if (reportData) void openSharedWorkspace(reportData, 'report');
else if (linkData) void openSharedWorkspace(linkData, 'fragment');
else if (lesson) {
  // A lesson link without a view starts at step 1.
  if (!/(^#|&)(view|ls)=/.test(location.hash)) actions.applyFromUrl({ ...decodeHash(lesson.steps[0].hash), lessonStep: 1 });
  openLessonSources(lesson.id, lesson.artifacts);
} else openFromLink(parseSourceParams(location.search));
// Have a decoder worker ready before the user picks a file (it takes a while to start).
SourceWorker.prewarm();

const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('missing #root');
createRoot(rootEl).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
