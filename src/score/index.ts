/** The score core: pure TypeScript, no `vscode`, no Node built-ins; imported by the webview too. */
export * from './events';
export * from './state';
export * from './reduce';
export * from './selectors';
