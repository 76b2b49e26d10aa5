#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx compiles on the fly and caches), so a checkout needs no build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
await main(process.argv);
