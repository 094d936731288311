// "Export report": one self-contained HTML file — the built app, its decoder worker and the
// workspace's evidence — that opens offline in any browser at the shared view. Pure string
// assembly (the assets are read by share/assets.ts); the hash uses WebCrypto (browser & Node).
//
// Security: the report carries its own strict CSP. The one inline script is allowed by its
// SHA-256 hash (no 'unsafe-inline', no 'unsafe-eval'); the worker runs from a blob: URL made
// from the embedded (non-executable, text/plain) worker source; no network at all
// (connect-src 'none'). The evidence is base64url text in a non-executable <script> block.

export const REPORT_WORKER_ID = 'stacklens-worker';
export const REPORT_DATA_ID = 'stacklens-report';
export const REPORT_STYLE_ATTR = 'data-stacklens';

export interface AppAssets {
  /** The app's single module bundle. */
  js: string;
  css: string;
  /** The source worker's single module bundle. */
  worker: string;
}

/** `</script` can end an inline block early; `<\/script` means the same inside JS strings/regexes/comments. */
export function escapeInlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

/** For text content and double-quoted attribute values. */
function escapeHtmlText(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let bin = '';
  for (const b of digest) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function reportCsp(scriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    'worker-src blob:',
    // As in the app: React and d3 set style attributes.
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "connect-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export async function buildReportHtml(assets: AppAssets, payloadBase64Url: string, title: string): Promise<string> {
  if (/[^A-Za-z0-9_-]/.test(payloadBase64Url)) throw new Error('report payload must be base64url text');
  const js = escapeInlineScript(assets.js);
  const hash = await sha256Base64(js);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtmlText(reportCsp(hash))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="color-scheme" content="light dark">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtmlText(title)}</title>`,
    `<style ${REPORT_STYLE_ATTR}>${assets.css.replace(/<\/(style)/gi, '<\\/$1')}</style>`,
    '</head>',
    '<body>',
    '<div id="root"></div>',
    '<noscript>This stacklens report needs JavaScript: the evidence is decoded in the browser.</noscript>',
    `<script type="text/plain" id="${REPORT_WORKER_ID}">${escapeInlineScript(assets.worker)}</script>`,
    `<script type="application/octet-stream" id="${REPORT_DATA_ID}">${payloadBase64Url}</script>`,
    `<script type="module">${js}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
