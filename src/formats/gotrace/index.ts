// Go execution traces (runtime/trace). Go 1.22+ generational format: header detection, the
// low-level generation reader, and the ordering of events across threads (see README.md).
// Legacy (1.11–1.21) traces are converted into the same model (v1/).
export * from './header.ts';
export * from './spec.ts';
export * from './u64.ts';
export * from './model.ts';
export * from './reader.ts';
export * from './dump.ts';
export * from './frontier.ts';
export * from './order.ts';
export { readLegacyTrace, parseV1, convertV1, V1Problem, type LegacyReadResult, type V1Trace, type GoTraceV1Version } from './v1/index.ts';
