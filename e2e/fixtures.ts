// The Playwright `test` every spec uses. Its auto fixture `guard` watches the whole
// browser context and fails the test, after it ran, when:
//   (a) the page (or its workers) requested anything from an origin other than the app's
//       own — except origins the test allowed with guard.allowOrigin(...);
//   (b) an uncaught exception happened in the page (or an uncaught error in a worker);
//   (c) the browser reported a Content-Security-Policy violation.
// Console errors are collected and attached to the report but do not fail the test
// (a refused CORS fetch, for example, is logged by Chromium itself).
import { test as base, expect } from '@playwright/test';
import type { ConsoleMessage, Page, Worker } from '@playwright/test';
import { APP_ORIGINS } from './port';

export { expect };

export { APP_ORIGIN, APP_ORIGINS, APP_PORT } from './port';

export interface CspViolation {
  documentURI: string;
  blockedURI: string;
  violatedDirective: string;
  effectiveDirective: string;
  disposition: string;
  sourceFile: string;
  lineNumber: number;
  sample: string;
}

export interface Guard {
  /** Allow requests to another origin (e.g. a test's own local HTTP server). */
  allowOrigin(origin: string): void;
  /** Every URL the context requested, in order. */
  readonly requests: string[];
  /** Requests to origins that are neither the app's nor allowed. */
  readonly foreignRequests: string[];
  readonly consoleErrors: string[];
  /** Uncaught page exceptions and uncaught worker errors. */
  readonly pageErrors: string[];
  readonly cspViolations: CspViolation[];
  /** Console lines in which Chromium reports a CSP refusal (also catches workers). */
  readonly cspConsole: string[];
  /** Forget what was collected so far (for a test that provokes a problem on purpose). */
  reset(): void;
}

const NETWORK_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);

function originOf(url: string): { network: boolean; origin: string } {
  try {
    const u = new URL(url);
    if (!NETWORK_SCHEMES.has(u.protocol)) return { network: false, origin: u.protocol };
    return { network: true, origin: u.origin };
  } catch {
    return { network: true, origin: url };
  }
}

const CSP_BINDING = '__stacklensReportCspViolation';

// Runs in every document before the app's scripts (init scripts are exempt from CSP).
const CSP_INIT_SCRIPT = `(() => {
  const report = (e) => {
    const v = {
      documentURI: String(e.documentURI || ''),
      blockedURI: String(e.blockedURI || ''),
      violatedDirective: String(e.violatedDirective || ''),
      effectiveDirective: String(e.effectiveDirective || ''),
      disposition: String(e.disposition || ''),
      sourceFile: String(e.sourceFile || ''),
      lineNumber: Number(e.lineNumber || 0),
      sample: String(e.sample || ''),
    };
    (window.__stacklensCspViolations = window.__stacklensCspViolations || []).push(v);
    try { window[${JSON.stringify(CSP_BINDING)}](v); } catch (_) { /* binding not ready */ }
  };
  window.addEventListener('securitypolicyviolation', report, true);
})();`;

const CSP_CONSOLE_RE = /Content[- ]Security[- ]Policy/i;

export const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ context }, use, testInfo) => {
      const allowed = new Set<string>(APP_ORIGINS);
      const requests: string[] = [];
      const foreignRequests: string[] = [];
      const consoleErrors: string[] = [];
      const pageErrors: string[] = [];
      const cspViolations: CspViolation[] = [];
      const cspConsole: string[] = [];
      const seenConsole = new Set<string>();

      const guard: Guard = {
        allowOrigin(origin: string) {
          allowed.add(new URL(origin).origin);
        },
        requests,
        foreignRequests,
        consoleErrors,
        pageErrors,
        cspViolations,
        cspConsole,
        reset() {
          for (const a of [requests, foreignRequests, consoleErrors, pageErrors, cspViolations, cspConsole]) a.length = 0;
          seenConsole.clear();
        },
      };

      const onRequest = (url: string) => {
        requests.push(url);
        const { network, origin } = originOf(url);
        if (network && !allowed.has(origin)) foreignRequests.push(url);
      };
      context.on('request', (req) => onRequest(req.url()));

      const onConsole = (where: string, msg: ConsoleMessage) => {
        const loc = msg.location();
        const text = `${msg.type()}: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`;
        const key = `${where}|${text}`;
        if (seenConsole.has(key)) return;
        seenConsole.add(key);
        if (CSP_CONSOLE_RE.test(msg.text()) && /refused|violat|blocked/i.test(msg.text())) cspConsole.push(`${where}: ${text}`);
        if (msg.type() === 'error') {
          consoleErrors.push(`${where}: ${text}`);
          // An uncaught error inside a Web Worker never becomes a page 'pageerror'.
          if (where === 'worker' && /^Uncaught\b/.test(msg.text())) pageErrors.push(`worker: ${msg.text()}`);
        }
      };
      context.on('console', (msg) => onConsole(msg.worker() ? 'worker' : 'page', msg));
      context.on('weberror', (err) => {
        const e = err.error();
        pageErrors.push(e.stack && e.stack.includes(e.message) ? e.stack : `${e.name}: ${e.message}${e.stack ? `\n${e.stack}` : ''}`);
      });

      const watchWorker = (w: Worker) => w.on('console', (msg) => onConsole('worker', msg));
      const watchPage = (p: Page) => {
        p.on('worker', watchWorker);
        for (const w of p.workers()) watchWorker(w);
        p.on('websocket', (ws) => onRequest(ws.url()));
      };
      context.on('page', watchPage);
      for (const p of context.pages()) watchPage(p);

      await context.exposeBinding(CSP_BINDING, (_source, v: CspViolation) => {
        cspViolations.push(v);
      });
      await context.addInitScript({ content: CSP_INIT_SCRIPT });

      await use(guard);

      // Let events that were already in flight arrive.
      await new Promise((r) => setTimeout(r, 150));

      const log = { requests, foreignRequests, consoleErrors, pageErrors, cspViolations, cspConsole };
      await testInfo.attach('guard.json', { body: JSON.stringify(log, null, 2), contentType: 'application/json' });
      if (consoleErrors.length > 0) {
        console.log(`[${testInfo.title}] console errors (not fatal):\n  ${consoleErrors.join('\n  ')}`);
      }

      const problems: string[] = [];
      if (foreignRequests.length > 0) {
        problems.push(`requests to foreign origins (allowed: ${[...allowed].join(', ')}):\n  ${foreignRequests.join('\n  ')}`);
      }
      if (pageErrors.length > 0) problems.push(`uncaught page errors:\n  ${pageErrors.join('\n  ')}`);
      if (cspViolations.length > 0) {
        problems.push(
          `CSP violations:\n  ${cspViolations
            .map((v) => `${v.effectiveDirective || v.violatedDirective} blocked ${v.blockedURI || '(inline)'} at ${v.sourceFile}:${v.lineNumber} ${v.sample}`)
            .join('\n  ')}`,
        );
      }
      if (cspConsole.length > 0) problems.push(`CSP refusals reported on the console:\n  ${cspConsole.join('\n  ')}`);
      if (problems.length > 0) throw new Error(`guard: ${problems.join('\n')}`);
    },
    { auto: true },
  ],
});
