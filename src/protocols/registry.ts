/**
 * The one list of analyzers. Adding a protocol = one folder + one line here.
 */
import type { AnalyzerDescriptor } from './analyzer.js';

export const analyzers: readonly AnalyzerDescriptor[] = [];
