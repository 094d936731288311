#!/usr/bin/env node
// The stacklens CLI runs the same TypeScript decoders and analysis as the browser;
// tsx compiles them on the fly so there is no separate build step after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
