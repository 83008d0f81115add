/**
 * Regenerates src/inventory/oui-table.json from the `oui-data` package (the IEEE MA-L, MA-M
 * and MA-S registries). Run with `npm run gen:oui` after updating oui-data.
 *
 * Why a generated table rather than oui-data at run time: its 5.6 MB JSON (with postal
 * addresses) takes ~65 ms to parse and ~50 MB of memory; the organisation names alone,
 * deduplicated, load in a few milliseconds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildOuiTable } from '../src/inventory/oui-build.js';

const require = createRequire(import.meta.url);
const source = JSON.parse(readFileSync(require.resolve('oui-data'), 'utf8')) as Record<string, string>;
const out = fileURLToPath(new URL('../src/inventory/oui-table.json', import.meta.url));
const table = buildOuiTable(source);
writeFileSync(out, `${JSON.stringify(table)}\n`);
console.log(`${out}: ${Object.keys(source).length} prefixes, ${table.names.length} organisations`);
