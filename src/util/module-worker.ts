/**
 * A worker thread running one of our modules, whether we run from the built JavaScript or from
 * the TypeScript sources (tests, benchmarks). A worker does not inherit the parent's loader, so
 * from sources tsx is registered in it before the module is imported.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `jsUrl`: the module's URL beside the caller, ending in `.js`. */
export function moduleWorker(jsUrl: URL, opts: WorkerOptions = {}): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(jsUrl, opts);
  const ts = jsUrl.href.replace(/\.js$/, '.ts');
  const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(ts)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}
