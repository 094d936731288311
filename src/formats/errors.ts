// Every decoder failure is a DecodeError: it says what the decoder expected and where
// the input stopped matching (byte offset for binary formats, line for text), so the
// UI and CLI can print one clear line instead of a stack trace.

export interface DecodeLocation {
  /** Byte offset into the (decompressed) input. */
  offset?: number;
  /** 1-based line number for text formats. */
  line?: number;
}

export class DecodeError extends Error {
  readonly where: DecodeLocation;
  readonly format: string;
  constructor(format: string, message: string, where: DecodeLocation = {}) {
    const at =
      where.line !== undefined ? ` (line ${where.line})` : where.offset !== undefined ? ` (at byte offset ${where.offset})` : '';
    super(`${format}: ${message}${at}`);
    this.name = 'DecodeError';
    this.format = format;
    this.where = where;
  }
}

/** Thrown by a decoder's progress callback when the user cancelled the load. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** Progress callback: bytes (or lines) done of total. */
export type ProgressFn = (done: number, total: number) => void;
