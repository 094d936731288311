// Opening a shared workspace: a link whose fragment carries `ws=<packed evidence>`, or an
// exported report page with the evidence embedded. The packed sources go through the same
// load queue as files (decoded in workers); url/example sources are fetched again.

import { gunzipNative } from '../formats/gzip';
import { actions, openBytes, openExample, openUrl, setLinkPayload, showError } from '../state/store';
import { decodeHash } from '../state/url';
import { fromBase64Url, unpackWorkspace } from './payload';

export async function openSharedWorkspace(text: string, mode: 'fragment' | 'report'): Promise<void> {
  try {
    const ws = await unpackWorkspace(fromBase64Url(text), (b, max) => gunzipNative(b, undefined, max));
    // A report opened from disk has no hash of its own: show the view it was exported at.
    if (mode === 'report' && (typeof location === 'undefined' || location.hash.length <= 1)) actions.applyFromUrl(decodeHash(ws.hash));
    for (const s of ws.sources) {
      if (s.bytes) openBytes(s.name, s.bytes, s.origin, true);
      else if (s.origin.kind === 'url') openUrl(s.origin.value, true);
      else if (s.origin.kind === 'example') openExample(s.origin.value, true);
    }
    if (mode === 'fragment') setLinkPayload(text);
  } catch (e) {
    showError(`Could not open the shared workspace: ${e instanceof Error ? e.message : String(e)}`);
  }
}
