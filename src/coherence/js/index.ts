/**
 * JavaScript and TypeScript for the coherence checker: extraction (a real parser), resolution (as
 * the workspace resolves), and the two put together for the import graph.
 */
import type { AnalyseFile } from './graph';
import type { Dependency } from '../model';
import { extractJsImports, isJsPath } from './extract';
import type { JsResolver } from './resolve';

export { extractJsImports, isJsPath, JS_EXTENSIONS } from './extract';
export { createJsResolver, packageNameOf, type JsResolver, type JsResolverOptions } from './resolve';
export { ImportGraph, listRootFiles, type AnalyseFile, type BuildOptions, type EdgeFilter } from './graph';

/**
 * Reads a JS/TS file's imports and resolves them with `resolver`: what `ImportGraph.build` and
 * `update` want. Other files give `undefined`; a file that does not parse gives no imports (its
 * error is the extractor's to report).
 */
export function jsAnalyser(resolver: JsResolver): AnalyseFile {
  return (path: string, text: string): Dependency[] | undefined => {
    if (!isJsPath(path)) return undefined;
    const { imports } = extractJsImports(path, text);
    return imports.map((site) => resolver.resolveSync(path, site));
  };
}
