// What Share offers for a workspace: (a) a plain link when every source can be fetched
// again (?url= / ?example=), (b) a link whose fragment carries the local files' bytes,
// (c) the self-contained report. Pure: the dialog renders what these return.

import type { ViewSettings } from '../state/settings';
import { encodeHash, sourcesSearch, type SourceOrigin } from '../state/url';
import { LINK_PAYLOAD_LIMIT, REPORT_PAYLOAD_LIMIT, type Workspace } from './payload';

export interface ShareSource {
  name: string;
  origin: SourceOrigin;
  /** The source's bytes (state/store.ts Source.evidence); null when they were not kept. */
  evidence: Blob | null;
}

/** What a link or a report will carry: each source by value (its bytes, still to be read:
 * readWorkspace) or by reference (null: reopened from its origin). */
export interface WorkspacePlan {
  hash: string;
  sources: ShareSource[];
}

/**
 * The workspace to pack, the plan's bytes read. A picked file is read again here, so one
 * changed or moved since it was opened fails: the error names it.
 */
export async function readWorkspace(plan: WorkspacePlan): Promise<Workspace> {
  const sources: Workspace['sources'] = [];
  for (const s of plan.sources) {
    let bytes: Uint8Array | null = null;
    if (s.evidence) {
      try {
        bytes = new Uint8Array(await s.evidence.arrayBuffer());
      } catch (e) {
        throw new Error(`${s.name} cannot be read again (changed or moved since it was opened?): ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    sources.push({ name: s.name, origin: s.origin, bytes });
  }
  return { hash: plan.hash, sources };
}

export interface PlainLink {
  /** The link, or null when some source is a local file (then `missing` names them). */
  url: string | null;
  missing: string[];
}

/** base = location.origin + location.pathname */
export function plainLink(base: string, sources: readonly ShareSource[], settings: ViewSettings): PlainLink {
  const missing = sources.filter((s) => s.origin.kind === 'file').map((s) => s.name);
  if (missing.length > 0 || sources.length === 0) return { url: null, missing };
  return { url: `${base}${sourcesSearch(sources.map((s) => s.origin))}#${encodeHash(settings)}`, missing };
}

/** The workspace a fragment link carries: local files by value, url/example sources by reference. */
export function linkWorkspace(sources: readonly ShareSource[], settings: ViewSettings): WorkspacePlan | { error: string } {
  const noBytes = sources.filter((s) => s.origin.kind === 'file' && !s.evidence).map((s) => s.name);
  if (noBytes.length > 0) return { error: `Too big to carry: ${noBytes.join(', ')}.` };
  const raw = sources.reduce((n, s) => n + (s.origin.kind === 'file' ? s.evidence!.size : 0), 0);
  // Profiles are mostly gzip already: more than 4× the limit cannot compress below it.
  if (raw > 4 * LINK_PAYLOAD_LIMIT) return { error: `The local files total ${mib(raw)}; a link carries at most ${mib(LINK_PAYLOAD_LIMIT)} compressed. Use Export report.` };
  return {
    hash: encodeHash(settings),
    sources: sources.map((s) => ({ name: s.name, origin: s.origin, evidence: s.origin.kind === 'file' ? s.evidence : null })),
  };
}

export function fragmentLink(base: string, settings: ViewSettings, payloadBase64Url: string): string {
  return `${base}#${encodeHash(settings)}&ws=${payloadBase64Url}`;
}

/** The workspace a report embeds: every source by value (it must open offline). */
export function reportWorkspace(sources: readonly ShareSource[], settings: ViewSettings): WorkspacePlan | { error: string } {
  const noBytes = sources.filter((s) => !s.evidence).map((s) => s.name);
  if (noBytes.length > 0) return { error: `Too big to embed (over ${mib(REPORT_PAYLOAD_LIMIT)} each): ${noBytes.join(', ')}.` };
  const raw = sources.reduce((n, s) => n + s.evidence!.size, 0);
  if (raw > REPORT_PAYLOAD_LIMIT) return { error: `The sources total ${mib(raw)}; a report embeds at most ${mib(REPORT_PAYLOAD_LIMIT)}.` };
  return { hash: encodeHash(settings), sources: sources.map((s) => ({ name: s.name, origin: s.origin, evidence: s.evidence })) };
}

export function mib(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(n >= 10 << 20 ? 0 : 1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}
