/**
 * Reading a workspace's dependency-cruiser configuration (`.dependency-cruiser.{json,js,cjs,mjs}`,
 * found in that order, as `depcruise` finds it) into rules Podium can hold changes against.
 *
 * JSON (JSON5, as dependency-cruiser reads it) is read as text. A JavaScript configuration is code:
 * it is loaded only when the caller says the workspace is trusted; otherwise it is skipped with a
 * problem saying why. `extends` (a file or a package, one or several) is followed and merged the way
 * dependency-cruiser merges (a named rule of the extending file overrides the base's rule of that
 * name, field by field; options shallowly). A webpack configuration (`options.webpackConfig`) is code
 * too: its `resolve.alias` is read only when trusted.
 *
 * What Podium does not check is never silently passed: a rule using an attribute Podium does not
 * evaluate (`reachable`, `license`, `moreUnstable`, folder scope, …) is skipped with a problem naming
 * it, and so is a rule whose regular expression does not compile.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseTsconfig } from 'get-tsconfig';
import JSON5 from 'json5';
import type { JsResolverOptions } from '../js/resolve';

export type DepcruiseSeverity = 'error' | 'warn' | 'info';

/** Something about the configuration the engineer should know: where, and what to do. */
export interface DepcruiseProblem {
  /** Root-relative path of the file concerned. */
  file: string;
  line?: number;
  message: string;
}

/** A regular-expression restriction, normalised: arrays joined with `|`, as dependency-cruiser does. */
export interface PathRestriction {
  path?: string;
  pathNot?: string;
  dependencyTypes?: string[];
  dependencyTypesNot?: string[];
}

export interface DepcruiseRule {
  /** `not-in-allowed` for every allowed rule; `unnamed` for a forbidden rule without a name. */
  name: string;
  severity: DepcruiseSeverity;
  /** The rule's comment: the prose the engineer reads beside a finding. */
  comment?: string;
  /** Where the rule is written, when it could be found (root-relative file, 1-based line). */
  file: string;
  line?: number;
  from: { path?: string; pathNot?: string; orphan?: boolean };
  to: {
    path?: string;
    pathNot?: string;
    dependencyTypes?: string[];
    dependencyTypesNot?: string[];
    couldNotResolve?: boolean;
    circular?: boolean;
    dynamic?: boolean;
    preCompilationOnly?: boolean;
    exoticallyRequired?: boolean;
    moreThanOneDependencyType?: boolean;
    ancestor?: boolean;
    via?: PathRestriction;
    viaOnly?: PathRestriction;
  };
}

export interface DepcruiseOptions {
  /** false: type-only and elided TypeScript imports do not count; true: they do; 'specify': they do and say so. */
  tsPreCompilationDeps: boolean | 'specify';
  includeOnly?: string;
  exclude?: string;
  /** `exclude.dynamic`: leave out dynamic imports (true) or everything else (false). */
  excludeDynamic?: boolean;
  doNotFollow?: { path?: string; dependencyTypes?: string[] };
  /** The tsconfig dependency-cruiser reads (root-relative), if the configuration names one. */
  tsConfig?: string;
  /**
   * The module system that tsconfig's `module` makes TypeScript emit, which is what depcruise reads
   * without pre-compilation deps: 'esm' (the default), 'commonjs' (every import becomes a `require`),
   * or 'node' (node16/nodenext: `.mts` stays ESM, the rest becomes CommonJS).
   */
  tsModuleKind: 'esm' | 'commonjs' | 'node';
  combinedDependencies: boolean;
  moduleSystems: string[];
}

export interface DepcruiseConfig {
  /** The configuration file (root-relative). */
  file: string;
  forbidden: DepcruiseRule[];
  allowed: DepcruiseRule[];
  allowedSeverity: DepcruiseSeverity;
  options: DepcruiseOptions;
  /**
   * What a resolver must be told to see what this configuration sees: its tsconfig, its webpack
   * aliases, its enhanced-resolve fields. Pass to `createJsResolver(root, …)`.
   */
  resolverOptions: JsResolverOptions;
}

export interface LoadOptions {
  /** Whether the workspace is trusted: only then is JavaScript (a .js config, a webpack config) run. */
  trusted: boolean;
  /** A configuration file to read instead of searching (root-relative). */
  file?: string;
}

/** The names dependency-cruiser looks for, in its order. */
export const DEPCRUISE_CONFIG_FILES = ['.dependency-cruiser.json', '.dependency-cruiser.js', '.dependency-cruiser.cjs', '.dependency-cruiser.mjs'];

/** Attributes Podium does not evaluate: a rule using one is skipped, with a problem. */
const UNSUPPORTED_TO = ['reachable', 'license', 'licenseNot', 'moreUnstable', 'exoticRequire', 'exoticRequireNot', 'numberOfDependentsLessThan', 'numberOfDependentsMoreThan', 'dependentsNot', 'dependents', 'reaches'];
const UNSUPPORTED_FROM = ['reachable', 'reaches'];

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toRegexString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('|');
  return undefined;
}

function severityOf(value: unknown): DepcruiseSeverity | 'ignore' {
  return value === 'error' || value === 'warn' || value === 'info' || value === 'ignore' ? value : 'warn';
}

function relativeTo(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** The 1-based line where `name: "x"` (JSON or JavaScript) is written, if it can be found. */
function lineOfName(text: string, name: string): number | undefined {
  for (const quote of ['"', "'", '`']) {
    const needle = `${quote}${name}${quote}`;
    let at = text.indexOf(needle);
    while (at >= 0) {
      const before = text.slice(Math.max(0, at - 40), at);
      if (/name["']?\s*:\s*$/.test(before)) return text.slice(0, at).split('\n').length;
      at = text.indexOf(needle, at + 1);
    }
  }
  return undefined;
}

interface RawConfig {
  value: Raw;
  file: string;
  text: string;
}

/**
 * Finds and reads the root's dependency-cruiser configuration. No configuration: neither `config`
 * nor problems. A configuration that cannot be used: no `config`, and problems saying why.
 */
export async function loadDepcruiseConfig(root: string, options: LoadOptions): Promise<{ config?: DepcruiseConfig; problems: DepcruiseProblem[] }> {
  const problems: DepcruiseProblem[] = [];
  let file: string | undefined;
  if (options.file) file = path.resolve(root, options.file);
  else {
    for (const name of DEPCRUISE_CONFIG_FILES) {
      const candidate = path.join(root, name);
      if (await exists(candidate)) {
        file = candidate;
        break;
      }
    }
  }
  if (!file) return { problems };

  const texts = new Map<string, string>();
  let merged: Raw;
  try {
    merged = await readWithExtends(root, file, options.trusted, new Set(), texts);
  } catch (err) {
    const e = err as ConfigError;
    problems.push({ file: relativeTo(root, e.file ?? file), line: e.line, message: e.message });
    return { problems };
  }

  const mainFile = relativeTo(root, file);
  const rules = (list: unknown, kind: 'forbidden' | 'allowed'): DepcruiseRule[] => {
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      problems.push({ file: mainFile, message: `"${kind}" should be a list of rules; it is ignored.` });
      return [];
    }
    const out: DepcruiseRule[] = [];
    list.forEach((raw, index) => {
      const rule = normaliseRule(raw, kind, index, problems, root, texts, mainFile);
      if (rule) out.push(rule);
    });
    return out;
  };
  const forbidden = rules(merged.forbidden, 'forbidden');
  const allowed = rules(merged.allowed, 'allowed');
  if (Array.isArray(merged.required) && merged.required.length) {
    problems.push({ file: mainFile, message: `${merged.required.length} "required" rule(s): Podium does not check required rules (what a module must import); run depcruise for those.` });
  }
  const allowedSeverity = severityOf(merged.allowedSeverity);
  const rawOptions = isObject(merged.options) ? merged.options : {};
  const { options: depcruiseOptions, resolverOptions } = await normaliseOptions(root, rawOptions, options.trusted, problems, mainFile);

  return {
    config: {
      file: mainFile,
      forbidden,
      allowed: allowedSeverity === 'ignore' ? [] : allowed,
      allowedSeverity: allowedSeverity === 'ignore' ? 'warn' : allowedSeverity,
      options: depcruiseOptions,
      resolverOptions,
    },
    problems,
  };
}

class ConfigError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

const JS_CONFIG = /\.(c|m)?js$/;

async function readOne(root: string, file: string, trusted: boolean, texts: Map<string, string>): Promise<RawConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the dependency-cruiser configuration: ${(err as Error).message}`, file);
  }
  texts.set(file, text);
  if (JS_CONFIG.test(file)) {
    if (!trusted) {
      throw new ConfigError(
        `${relativeTo(root, file)} is JavaScript; Podium runs a workspace's code only when the workspace is trusted, so its dependency-cruiser rules were not read. Trust the workspace (or use a .dependency-cruiser.json) to have them checked.`,
        file,
      );
    }
    try {
      // A query that changes with the file, so an edited configuration is loaded afresh.
      const stat = await fs.stat(file);
      const mod = (await import(`${pathToFileURL(file).href}?mtime=${stat.mtimeMs}`)) as { default?: unknown };
      const value = mod.default ?? mod;
      if (!isObject(value)) throw new Error('it does not export a configuration object');
      return { value, file, text };
    } catch (err) {
      throw new ConfigError(`${relativeTo(root, file)} could not be loaded: ${(err as Error).message}`, file);
    }
  }
  try {
    const value = JSON5.parse(text) as unknown;
    if (!isObject(value)) throw new ConfigError(`${relativeTo(root, file)} is not a configuration object.`, file, 1);
    return { value, file, text };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const e = err as Error & { lineNumber?: number };
    throw new ConfigError(`${relativeTo(root, file)} is not valid JSON: ${e.message.replace(/^JSON5: /, '')}`, file, e.lineNumber);
  }
}

async function readWithExtends(root: string, file: string, trusted: boolean, visited: Set<string>, texts: Map<string, string>): Promise<Raw> {
  if (visited.has(file)) throw new ConfigError(`The configuration extends itself: ${[...visited, file].map((f) => relativeTo(root, f)).join(' → ')}.`, file);
  visited.add(file);
  const { value } = await readOne(root, file, trusted, texts);
  let result: Raw = { ...value };
  const bases = typeof value.extends === 'string' ? [value.extends] : Array.isArray(value.extends) ? value.extends.filter((e): e is string => typeof e === 'string') : [];
  for (const base of bases) {
    const baseFile = resolveExtends(file, base);
    if (!baseFile) throw new ConfigError(`"extends": "${base}" was not found from ${relativeTo(root, file)}.`, file, lineOfExtends(texts.get(file) ?? '', base));
    result = mergeConfigs(result, await readWithExtends(root, baseFile, trusted, visited, texts));
  }
  delete result.extends;
  return result;
}

function lineOfExtends(text: string, base: string): number | undefined {
  const at = text.indexOf(base);
  return at >= 0 ? text.slice(0, at).split('\n').length : undefined;
}

function resolveExtends(fromFile: string, request: string): string | undefined {
  const require = createRequire(fromFile);
  const candidates = request.startsWith('.') || path.isAbsolute(request) ? [request, `${request}.js`, `${request}.json`, `${request}.cjs`, `${request}.mjs`] : [request];
  for (const candidate of candidates) {
    try {
      return require.resolve(candidate, { paths: [path.dirname(fromFile)] });
    } catch {
      // next
    }
  }
  return undefined;
}

/** dependency-cruiser's merge: the extending configuration over its base. */
function mergeConfigs(extending: Raw, base: Raw): Raw {
  const list = (v: unknown): Raw[] => (Array.isArray(v) ? v.filter(isObject) : []);
  const mergeRules = (ext: Raw[], b: Raw[]): Raw[] => {
    const named = ext.filter((r) => r.name).map((r) => ({ ...(b.find((x) => x.name === r.name) ?? {}), ...r }));
    const names = new Set(named.map((r) => r.name));
    const baseNamed = b.filter((r) => r.name && !names.has(r.name));
    const anonymous: Raw[] = [];
    for (const r of [...ext, ...b].filter((x) => !x.name)) if (!anonymous.some((a) => JSON.stringify(a) === JSON.stringify(r))) anonymous.push(r);
    return [...named, ...baseNamed, ...anonymous];
  };
  const allowed: Raw[] = [];
  for (const r of [...list(extending.allowed), ...list(base.allowed)]) if (!allowed.some((a) => JSON.stringify(a) === JSON.stringify(r))) allowed.push(r);
  const forbidden = mergeRules(list(extending.forbidden), list(base.forbidden));
  const required = mergeRules(list(extending.required), list(base.required));
  return {
    ...(forbidden.length ? { forbidden } : {}),
    ...(required.length ? { required } : {}),
    ...(allowed.length ? { allowed, allowedSeverity: extending.allowedSeverity ?? base.allowedSeverity ?? 'warn' } : {}),
    options: { ...(isObject(base.options) ? base.options : {}), ...(isObject(extending.options) ? extending.options : {}) },
    extends: extending.extends,
  };
}

function checkRegex(source: string | undefined, where: string): string | undefined {
  if (source === undefined) return undefined;
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    return `${where} "${source}" is not a regular expression (${(err as Error).message})`;
  }
}

function normaliseRestriction(raw: unknown): PathRestriction | undefined {
  if (typeof raw === 'string' || Array.isArray(raw)) return { path: toRegexString(raw) };
  if (!isObject(raw)) return undefined;
  const out: PathRestriction = {};
  const p = toRegexString(raw.path);
  const pn = toRegexString(raw.pathNot);
  if (p !== undefined) out.path = p;
  if (pn !== undefined) out.pathNot = pn;
  if (Array.isArray(raw.dependencyTypes)) out.dependencyTypes = raw.dependencyTypes.map(String);
  if (Array.isArray(raw.dependencyTypesNot)) out.dependencyTypesNot = raw.dependencyTypesNot.map(String);
  return out;
}

function normaliseRule(
  raw: unknown,
  kind: 'forbidden' | 'allowed',
  index: number,
  problems: DepcruiseProblem[],
  root: string,
  texts: Map<string, string>,
  mainFile: string,
): DepcruiseRule | undefined {
  const label = (name: string | undefined): string => (name ? `rule "${name}"` : `${kind} rule ${index + 1}`);
  if (!isObject(raw)) {
    problems.push({ file: mainFile, message: `${label(undefined)} is not an object; it is skipped.` });
    return undefined;
  }
  const givenName = typeof raw.name === 'string' ? raw.name : undefined;
  // Where the rule is written: the first file (of the configuration and what it extends) naming it.
  let file = mainFile;
  let line: number | undefined;
  if (givenName) {
    for (const [abs, text] of texts) {
      const found = lineOfName(text, givenName);
      if (found !== undefined) {
        file = relativeTo(root, abs);
        line = found;
        break;
      }
    }
  }
  const skip = (why: string): undefined => {
    problems.push({ file, line, message: `${label(givenName)} ${why}; Podium skips it (depcruise itself still checks it).` });
    return undefined;
  };
  const severity = kind === 'allowed' ? 'warn' : severityOf(raw.severity);
  if (severity === 'ignore') return undefined;
  if (raw.scope === 'folder') return skip('has folder scope, which Podium does not check');
  if (raw.module !== undefined) return skip('is a module rule, which Podium does not check');
  const from = isObject(raw.from) ? raw.from : {};
  const to = isObject(raw.to) ? raw.to : {};
  const unsupported = [...UNSUPPORTED_FROM.filter((k) => k in from).map((k) => `from.${k}`), ...UNSUPPORTED_TO.filter((k) => k in to).map((k) => `to.${k}`)];
  if (unsupported.length) return skip(`uses ${unsupported.join(', ')}, which Podium does not evaluate`);

  const rule: DepcruiseRule = {
    name: kind === 'allowed' ? 'not-in-allowed' : (givenName ?? 'unnamed'),
    severity: severity as DepcruiseSeverity,
    file,
    from: {},
    to: {},
  };
  if (line !== undefined) rule.line = line;
  if (typeof raw.comment === 'string') rule.comment = raw.comment;
  const fromPath = toRegexString(from.path);
  const fromPathNot = toRegexString(from.pathNot);
  if (fromPath !== undefined) rule.from.path = fromPath;
  if (fromPathNot !== undefined) rule.from.pathNot = fromPathNot;
  if (typeof from.orphan === 'boolean') rule.from.orphan = from.orphan;
  const toPath = toRegexString(to.path);
  const toPathNot = toRegexString(to.pathNot);
  if (toPath !== undefined) rule.to.path = toPath;
  if (toPathNot !== undefined) rule.to.pathNot = toPathNot;
  if (Array.isArray(to.dependencyTypes)) rule.to.dependencyTypes = to.dependencyTypes.map(String);
  if (Array.isArray(to.dependencyTypesNot)) rule.to.dependencyTypesNot = to.dependencyTypesNot.map(String);
  for (const key of ['couldNotResolve', 'circular', 'dynamic', 'preCompilationOnly', 'exoticallyRequired', 'moreThanOneDependencyType', 'ancestor'] as const) {
    if (typeof to[key] === 'boolean') rule.to[key] = to[key] as boolean;
  }
  const via = to.via !== undefined ? normaliseRestriction(to.via) : to.viaSomeNot !== undefined ? { pathNot: toRegexString(to.viaSomeNot) } : undefined;
  const viaOnly = to.viaOnly !== undefined ? normaliseRestriction(to.viaOnly) : to.viaNot !== undefined ? { pathNot: toRegexString(to.viaNot) } : undefined;
  if (via) rule.to.via = via;
  if (viaOnly) rule.to.viaOnly = viaOnly;
  const bad = [
    checkRegex(rule.from.path, 'from.path'),
    checkRegex(rule.from.pathNot, 'from.pathNot'),
    // Group references ($1) are filled in before matching; checked with them blank.
    checkRegex(rule.to.path?.replace(/\$\d+/g, ''), 'to.path'),
    checkRegex(rule.to.pathNot?.replace(/\$\d+/g, ''), 'to.pathNot'),
  ].filter(Boolean);
  if (bad.length) return skip(bad.join('; '));
  return rule;
}

function filterOption(raw: unknown): { path?: string; dependencyTypes?: string[]; dynamic?: boolean } | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' || Array.isArray(raw)) return { path: toRegexString(raw) };
  if (!isObject(raw)) return undefined;
  const out: { path?: string; dependencyTypes?: string[]; dynamic?: boolean } = {};
  const p = toRegexString(raw.path);
  if (p !== undefined) out.path = p;
  if (Array.isArray(raw.dependencyTypes)) out.dependencyTypes = raw.dependencyTypes.map(String);
  if (typeof raw.dynamic === 'boolean') out.dynamic = raw.dynamic;
  return out;
}

async function normaliseOptions(
  root: string,
  raw: Raw,
  trusted: boolean,
  problems: DepcruiseProblem[],
  mainFile: string,
): Promise<{ options: DepcruiseOptions; resolverOptions: JsResolverOptions }> {
  const tsPre = raw.tsPreCompilationDeps;
  const options: DepcruiseOptions = {
    tsPreCompilationDeps: tsPre === 'specify' ? 'specify' : tsPre === true,
    tsModuleKind: 'esm',
    combinedDependencies: raw.combinedDependencies === true,
    moduleSystems: Array.isArray(raw.moduleSystems) ? raw.moduleSystems.map(String) : ['es6', 'cjs', 'tsd', 'amd'],
  };
  const includeOnly = filterOption(raw.includeOnly);
  const exclude = filterOption(raw.exclude);
  const doNotFollow = filterOption(raw.doNotFollow);
  for (const [name, value] of [['includeOnly', includeOnly?.path], ['exclude', exclude?.path], ['doNotFollow', doNotFollow?.path]] as const) {
    const bad = checkRegex(value, `options.${name}`);
    if (bad) problems.push({ file: mainFile, message: `${bad}; the option is ignored.` });
    else if (value !== undefined) {
      if (name === 'includeOnly') options.includeOnly = value;
      if (name === 'exclude') options.exclude = value;
    }
  }
  if (exclude?.dynamic !== undefined) options.excludeDynamic = exclude.dynamic;
  if (doNotFollow && !checkRegex(doNotFollow.path, '')) options.doNotFollow = { ...(doNotFollow.path !== undefined ? { path: doNotFollow.path } : {}), ...(doNotFollow.dependencyTypes ? { dependencyTypes: doNotFollow.dependencyTypes } : {}) };
  for (const key of ['exoticRequireStrings', 'detectJSDocImports', 'detectProcessBuiltinModuleCalls']) {
    const v = raw[key];
    if (v === true || (Array.isArray(v) && v.length)) problems.push({ file: mainFile, message: `options.${key} is not supported by Podium: the imports it adds are not seen.` });
  }

  const resolverOptions: JsResolverOptions = {};
  if (options.combinedDependencies) resolverOptions.combinedDependencies = true;
  const tsConfig = isObject(raw.tsConfig) && typeof raw.tsConfig.fileName === 'string' ? raw.tsConfig.fileName : typeof raw.tsConfig === 'string' ? raw.tsConfig : undefined;
  if (tsConfig) {
    options.tsConfig = tsConfig;
    resolverOptions.tsconfig = tsConfig;
    options.tsModuleKind = tsconfigModuleKind(path.resolve(root, tsConfig));
  }
  const enhanced = isObject(raw.enhancedResolveOptions) ? raw.enhancedResolveOptions : {};
  for (const key of ['conditionNames', 'mainFields', 'exportsFields'] as const) {
    if (Array.isArray(enhanced[key])) resolverOptions[key] = (enhanced[key] as unknown[]).map(String);
  }
  // depcruise reads no `exports` map and no export conditions unless its configuration asks: a
  // resolver for its rules does the same, so a package's entry is the file depcruise names.
  resolverOptions.exportsFields ??= [];
  resolverOptions.conditionNames ??= [];
  const webpack = isObject(raw.webpackConfig) && typeof raw.webpackConfig.fileName === 'string' ? raw.webpackConfig : undefined;
  if (webpack) {
    const alias = await webpackAliases(root, webpack, trusted, problems, mainFile);
    if (alias) resolverOptions.alias = alias;
  }
  return { options, resolverOptions };
}

function tsconfigModuleKind(file: string): DepcruiseOptions['tsModuleKind'] {
  try {
    const module = String(parseTsconfig(file).compilerOptions?.module ?? '').toLowerCase();
    if (module === 'commonjs') return 'commonjs';
    if (module === 'node16' || module === 'node18' || module === 'nodenext') return 'node';
    return 'esm';
  } catch {
    return 'esm';
  }
}

async function webpackAliases(root: string, webpack: Raw, trusted: boolean, problems: DepcruiseProblem[], mainFile: string): Promise<Record<string, string> | undefined> {
  const file = path.resolve(root, String(webpack.fileName));
  if (!trusted) {
    problems.push({ file: mainFile, message: `options.webpackConfig names ${relativeTo(root, file)}, which is code; its aliases are read only in a trusted workspace.` });
    return undefined;
  }
  try {
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    let value: unknown = mod.default ?? mod;
    if (typeof value === 'function') value = (value as (env: unknown, args: unknown) => unknown)(webpack.env, webpack.arguments);
    if (Array.isArray(value)) value = value[0];
    const resolve = isObject(value) && isObject(value.resolve) ? value.resolve : {};
    const alias = resolve.alias;
    const out: Record<string, string> = {};
    if (isObject(alias)) for (const [k, v] of Object.entries(alias)) if (typeof v === 'string') out[k] = v;
    if (Array.isArray(alias)) for (const a of alias) if (isObject(a) && typeof a.name === 'string' && typeof a.alias === 'string') out[a.name] = a.alias;
    return out;
  } catch (err) {
    problems.push({ file: relativeTo(root, file), message: `The webpack configuration could not be loaded: ${(err as Error).message}; its aliases are not applied.` });
    return undefined;
  }
}
