// Gives a typed array's memory back at once instead of at the next major GC.
//
// Why: a big trace's load lays its span columns out again in their final arrays and drops
// the chunks it built them in (hundreds of MB). A dropped ArrayBuffer's backing store stays
// resident until V8 collects its wrapper, which in a busy worker comes late, so the tab's
// peak held both copies. Detaching the buffer frees its backing store right away where the
// platform can (ArrayBuffer.prototype.transfer(0): Chromium 114+, Node 21+; measured in
// Chromium: 800 MB of chunks freed at once instead of staying resident). Elsewhere the
// buffer is still detached (structuredClone with a transfer list), so a use after release
// reads an empty array everywhere, in the tests too, not only in the browser.

type Transferable = ArrayBuffer & { transfer?: (newLength?: number) => ArrayBuffer };

/**
 * Detaches (and where possible frees) the buffer of `a`. Only for arrays the caller
 * allocated itself and will never read again: every view of the buffer becomes empty.
 * Views of part of a larger buffer, and shared buffers, are left alone.
 */
export function releaseArray(a: ArrayBufferView | null | undefined): void {
  if (!a) return;
  const buf = a.buffer as Transferable;
  if (!(buf instanceof ArrayBuffer) || a.byteOffset !== 0 || a.byteLength !== buf.byteLength || buf.byteLength === 0) return;
  if (typeof buf.transfer === 'function') buf.transfer(0);
  else structuredClone(buf, { transfer: [buf] });
}

/** releaseArray for every array of a list, which is then emptied. */
export function releaseAll(list: (ArrayBufferView | null | undefined)[]): void {
  for (const a of list) releaseArray(a);
  list.length = 0;
}
