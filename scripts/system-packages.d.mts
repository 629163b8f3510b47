// Types for system-packages.mjs (a plain script, since it must run before anything is built).
export interface Need {
  command: string;
  package: string;
}
export const NEEDS: { start: Need[]; test: Need[] };
export function findOnPath(command: string, pathVar?: string): string | undefined;
export class MissingPackagesError extends Error {
  packages: string[];
  command: string;
}
export function ensureSystemPackages(needs: Need[], options?: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; root?: boolean }): string[];
