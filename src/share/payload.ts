// A workspace packed into bytes, for links whose fragment carries the evidence and for the
// self-contained report. Pure (no DOM): Node tests and the browser use the same code.
//
// Layout before compression:
//   "SLWS" u8 version=1  u32le headerLength  header (UTF-8 JSON)  source bytes, concatenated
// header = { hash, sources: [{ name, origin, size }] } — `size` bytes follow for each source
// that is embedded; url/example sources with size 0 are fetched again when opened.
// The whole thing is gzip-compressed (pako) and written as base64url (RFC 4648 §5) for URLs.

import { gzip, ungzip } from 'pako';
import type { SourceOrigin } from '../state/url';

export const PAYLOAD_MAGIC = 'SLWS';
export const PAYLOAD_VERSION = 1;

/** Links carry at most this many bytes of compressed evidence (browsers cut longer addresses). */
export const LINK_PAYLOAD_LIMIT = 1 << 20;
/** A report embeds at most this much evidence (it must still open in any browser tab). */
export const REPORT_PAYLOAD_LIMIT = 48 << 20;
/** Decompression stops here (a hostile link cannot make the tab inflate gigabytes). */
export const UNPACK_LIMIT = 512 << 20;

export interface PackedSource {
  name: string;
  origin: SourceOrigin;
  /** The source's bytes; null = reopen it from its origin (url / example). */
  bytes: Uint8Array | null;
}

export interface Workspace {
  /** The view's location hash (without '#'), applied when the workspace opens. */
  hash: string;
  sources: PackedSource[];
}

interface Header {
  hash: string;
  sources: { name: string; origin: SourceOrigin; size: number }[];
}

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** The packed workspace, gzip-compressed with pako (see packWorkspaceRaw for the layout). */
export function packWorkspace(ws: Workspace): Uint8Array {
  return gzip(packWorkspaceRaw(ws));
}

/** The packed workspace before compression. */
export function packWorkspaceRaw(ws: Workspace): Uint8Array {
  const header: Header = {
    hash: ws.hash,
    sources: ws.sources.map((s) => ({ name: s.name, origin: s.origin, size: s.bytes ? s.bytes.length : 0 })),
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const body = ws.sources.reduce((n, s) => n + (s.bytes ? s.bytes.length : 0), 0);
  const out = new Uint8Array(9 + head.length + body);
  for (let i = 0; i < 4; i++) out[i] = PAYLOAD_MAGIC.charCodeAt(i);
  out[4] = PAYLOAD_VERSION;
  new DataView(out.buffer).setUint32(5, head.length, true);
  out.set(head, 9);
  let at = 9 + head.length;
  for (const s of ws.sources) {
    if (!s.bytes) continue;
    out.set(s.bytes, at);
    at += s.bytes.length;
  }
  return out;
}

function isOrigin(o: unknown): o is SourceOrigin {
  if (typeof o !== 'object' || o === null) return false;
  const { kind, value } = o as { kind?: unknown; value?: unknown };
  return (kind === 'url' || kind === 'example' || kind === 'file') && typeof value === 'string';
}

/** Inflates (with `inflate`, default pako) and parses a packed workspace. */
export async function unpackWorkspace(compressed: Uint8Array, inflate: (b: Uint8Array, maxBytes: number) => Uint8Array | Promise<Uint8Array> = (b) => ungzip(b)): Promise<Workspace> {
  let raw: Uint8Array;
  try {
    raw = await inflate(compressed, UNPACK_LIMIT + 1);
  } catch (e) {
    throw new PayloadError(`The shared workspace is not valid gzip data (${e instanceof Error ? e.message : String(e)}); the link may have been cut.`);
  }
  return parseWorkspace(raw);
}

/** Parses an inflated packed workspace. */
export function parseWorkspace(raw: Uint8Array): Workspace {
  if (raw.length > UNPACK_LIMIT) throw new PayloadError(`The shared workspace inflates to more than ${UNPACK_LIMIT >> 20} MiB; refusing it.`);
  if (raw.length < 9) throw new PayloadError(`The shared workspace is too short (${raw.length} bytes; expected at least 9).`);
  const magic = String.fromCharCode(raw[0], raw[1], raw[2], raw[3]);
  if (magic !== PAYLOAD_MAGIC) throw new PayloadError(`The shared workspace does not start with "${PAYLOAD_MAGIC}" (found ${JSON.stringify(magic)} at byte 0).`);
  if (raw[4] !== PAYLOAD_VERSION) throw new PayloadError(`Unsupported shared-workspace version ${raw[4]} at byte 4 (this stacklens reads version ${PAYLOAD_VERSION}).`);
  const headLen = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(5, true);
  if (9 + headLen > raw.length) throw new PayloadError(`The shared workspace header claims ${headLen} bytes at byte 5 but only ${raw.length - 9} follow.`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(9, 9 + headLen)));
  } catch (e) {
    throw new PayloadError(`The shared workspace header (bytes 9–${9 + headLen}) is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof header !== 'object' || header === null || typeof header.hash !== 'string' || !Array.isArray(header.sources)) {
    throw new PayloadError('The shared workspace header lacks "hash" or "sources".');
  }
  let at = 9 + headLen;
  const sources: PackedSource[] = [];
  header.sources.forEach((s, i) => {
    if (typeof s?.name !== 'string' || !isOrigin(s.origin) || !Number.isSafeInteger(s.size) || s.size < 0) {
      throw new PayloadError(`Source ${i} of the shared workspace has a malformed entry (name, origin, size).`);
    }
    if (at + s.size > raw.length) throw new PayloadError(`Source ${i} (${s.name}) claims ${s.size} bytes at byte ${at} but the workspace ends at ${raw.length}.`);
    const bytes = s.size > 0 || s.origin.kind === 'file' ? raw.slice(at, at + s.size) : null;
    at += s.size;
    sources.push({ name: s.name, origin: s.origin, bytes });
  });
  return { hash: header.hash, sources };
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  // Built in chunks joined once: tens of MB (a report) stay linear in time and memory.
  const chunks: string[] = [];
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63] + B64URL[n & 63];
    if (out.length >= 1 << 16) {
      chunks.push(out);
      out = '';
    }
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63];
  }
  chunks.push(out);
  return chunks.join('');
}

const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64URL.charCodeAt(i)] = i;
  // Standard base64 too ('+', '/', padding tolerated), e.g. a report edited by hand.
  t['+'.charCodeAt(0)] = 62;
  t['/'.charCodeAt(0)] = 63;
  return t;
})();

export function fromBase64Url(text: string): Uint8Array {
  const s = text.replace(/[=\s]+$/g, '').replace(/\s+/g, '');
  if (s.length % 4 === 1) throw new PayloadError(`The shared workspace text has an impossible length (${s.length} characters); the link may have been cut.`);
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    const k = Math.min(4, s.length - i);
    for (let j = 0; j < 4; j++) {
      let v = 0;
      if (j < k) {
        const c = s.charCodeAt(i + j);
        v = c < 128 ? B64_INDEX[c] : -1;
        if (v < 0) throw new PayloadError(`The shared workspace text has an invalid character ${JSON.stringify(s[i + j])} at position ${i + j}.`);
      }
      n = (n << 6) | v;
    }
    out[o++] = (n >> 16) & 255;
    if (k > 2) out[o++] = (n >> 8) & 255;
    if (k > 3) out[o++] = n & 255;
  }
  return out.subarray(0, o);
}

/** The `ws=` value of a location hash, or null. */
export function payloadFromHash(hash: string): string | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of h.split('&')) if (part.startsWith('ws=')) return part.slice(3);
  return null;
}
