// The running app's own code, for "Export report": in the served app it is fetched from the
// same origin (the built bundle: one module script, its CSS, the worker bundle); inside a
// report it is read back from the page itself, so a report can be exported again offline.

import { sourceWorkerUrl } from '../worker/scriptUrl';
import { REPORT_STYLE_ATTR, REPORT_WORKER_ID, type AppAssets } from './report';

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`HTTP ${res.status} reading the app's own ${url}`);
  return res.text();
}

export async function appAssets(): Promise<AppAssets> {
  const embeddedWorker = document.getElementById(REPORT_WORKER_ID);
  if (embeddedWorker) {
    const js = document.querySelector('script[type=module]:not([src])')?.textContent ?? '';
    const css = document.querySelector(`style[${REPORT_STYLE_ATTR}]`)?.textContent ?? '';
    return { js, css, worker: embeddedWorker.textContent ?? '' };
  }
  const scripts = Array.from(document.querySelectorAll<HTMLScriptElement>('script[type=module][src]'));
  if (scripts.length !== 1 || !/\/assets\/[^/]+\.js$/.test(new URL(scripts[0].src).pathname)) {
    throw new Error('Export report needs the built app (npm run build, then serve dist/): the development server has no single bundle to embed.');
  }
  const styles = Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel=stylesheet][href]'));
  const [js, worker, ...css] = await Promise.all([fetchText(scripts[0].src), fetchText(sourceWorkerUrl), ...styles.map((l) => fetchText(l.href))]);
  return { js, css: css.join('\n'), worker };
}
