// gzip for Share/Export on the UI thread without blocking it: the browser's native
// CompressionStream (streams off the main thread); pako where it is missing.

import { gzip } from 'pako';

export async function gzipAsync(raw: Uint8Array): Promise<Uint8Array> {
  if (typeof CompressionStream === 'undefined') return gzip(raw);
  const stream = new Blob([raw as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
