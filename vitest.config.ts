// Unit tests: tests/unit/**/*.test.ts in Node. Some tests shell out to `go tool pprof`
// or `go run`, hence the generous timeouts. Tests must not assert on wall-clock time
// (CI machines have 2 cores and are shared); benchmarks live in bench/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // Two cores: one worker per core keeps `go` subprocesses from starving each other.
    maxWorkers: 2,
    passWithNoTests: true,
    restoreMocks: true,
  },
});
