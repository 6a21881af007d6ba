#!/usr/bin/env node
// Runs the TypeScript sources directly (Node >= 22.18 strips types) when they are present,
// and the compiled build otherwise (the production image ships only dist/).
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
const { main } = await import(existsSync(source) ? source.href : '../dist/src/cli.js');
process.exitCode = await main(process.argv.slice(2));
