import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// The app's Content-Security-Policy. connect-src allows http(s) only because a user may
// ask for ?url=<address>; the app itself fetches nothing but its own assets and
// /examples/*. No 'unsafe-eval' (the decoders never use eval/Function).
export const CSP_DIRECTIVES: readonly string[] = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  'connect-src \'self\' http: https:',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

export const CSP = CSP_DIRECTIVES.join('; ');

// Browsers ignore frame-ancestors in a <meta> policy (and log an error for it), so the
// meta copy leaves it out; the HTTP header of `vite preview` carries the full policy.
const CSP_META = CSP_DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Injects the CSP as <meta http-equiv> into the BUILT index.html only (dev needs inline HMR scripts). */
function cspMeta(): Plugin {
  return {
    name: 'stacklens-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler() {
        return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' }];
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), cspMeta()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
  },
  preview: {
    headers: SECURITY_HEADERS,
  },
});
