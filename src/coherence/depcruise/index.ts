/**
 * dependency-cruiser compatibility: a workspace's `.dependency-cruiser.*` rules, held against the
 * dependencies a change adds, finding what `depcruise` itself finds.
 */
export {
  DEPCRUISE_CONFIG_FILES,
  loadDepcruiseConfig,
  type DepcruiseConfig,
  type DepcruiseOptions,
  type DepcruiseProblem,
  type DepcruiseRule,
  type DepcruiseSeverity,
  type LoadOptions,
} from './config';
export {
  depcruiseEdgeFilter,
  depcruiseModuleViolations,
  depcruiseReads,
  depcruiseTarget,
  depcruiseViolations,
  type DepcruiseFinding,
} from './violations';
