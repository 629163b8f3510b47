/** The score core: pure TypeScript, no `vscode`, no Node built-ins; imported by the webview too. */
export * from './events';
export * from './hunk';
export * from './state';
export * from './reduce';
export * from './selectors';
export * from './signOff';
export * from './replay';
