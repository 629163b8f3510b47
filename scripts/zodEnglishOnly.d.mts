import type { Plugin } from 'esbuild';
/** The esbuild plugin that keeps only zod's English messages (see zodEnglishOnly.mjs). */
export const zodEnglishOnly: Plugin;
