// Go execution traces (runtime/trace). Go 1.22+ generational format: header detection, the
// low-level generation reader, and the ordering of events across threads (see README.md).
// Legacy (1.11–1.21) traces are recognised, not decoded.
export * from './header.ts';
export * from './spec.ts';
export * from './u64.ts';
export * from './model.ts';
export * from './reader.ts';
export * from './dump.ts';
export * from './frontier.ts';
export * from './order.ts';
