// Theme variables for the harness page, set the way VS Code sets them on a webview: as inline
// custom properties on <html> (through CSSOM, which the CSP allows) plus a theme class on <body>.
// Values are from VS Code's "Dark Modern" and "Light Modern" themes. Also records CSP violations
// so tests can assert the app needs nothing the real policy forbids.
(function () {
  'use strict';
  var common = {
    '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Liberation Sans", "DejaVu Sans", sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-font-weight': 'normal',
    '--vscode-editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", "Liberation Mono", monospace',
    '--vscode-editor-font-size': '14px',
    '--vscode-editor-font-weight': 'normal',
  };
  var themes = {
    dark: {
      kind: 'vscode-dark',
      name: 'Dark Modern',
      vars: {
        '--vscode-foreground': '#cccccc',
        '--vscode-descriptionForeground': '#9d9d9d',
        '--vscode-errorForeground': '#f85149',
        '--vscode-focusBorder': '#0078d4',
        '--vscode-icon-foreground': '#cccccc',
        '--vscode-widget-border': '#313131',
        '--vscode-editor-background': '#1f1f1f',
        '--vscode-editor-foreground': '#cccccc',
        '--vscode-sideBar-background': '#181818',
        '--vscode-sideBarSectionHeader-background': '#181818',
        '--vscode-sideBarSectionHeader-border': '#2b2b2b',
        '--vscode-panel-border': '#2b2b2b',
        '--vscode-editorGroupHeader-tabsBackground': '#181818',
        '--vscode-badge-background': '#616161',
        '--vscode-badge-foreground': '#f8f8f8',
        '--vscode-charts-foreground': '#cccccc',
        '--vscode-charts-lines': '#cccccc80',
        '--vscode-charts-red': '#f14c4c',
        '--vscode-charts-blue': '#3794ff',
        '--vscode-charts-yellow': '#cca700',
        '--vscode-charts-orange': '#d18616',
        '--vscode-charts-green': '#89d185',
        '--vscode-charts-purple': '#b180d7',
        '--vscode-list-hoverBackground': '#2a2d2e',
        '--vscode-list-activeSelectionBackground': '#04395e',
        '--vscode-list-activeSelectionForeground': '#ffffff',
        '--vscode-list-inactiveSelectionBackground': '#37373d',
        '--vscode-list-focusOutline': '#0078d4',
        '--vscode-list-highlightForeground': '#2aaaff',
        '--vscode-input-background': '#313131',
        '--vscode-input-foreground': '#cccccc',
        '--vscode-input-border': '#3c3c3c',
        '--vscode-input-placeholderForeground': '#989898',
        '--vscode-dropdown-background': '#313131',
        '--vscode-dropdown-foreground': '#cccccc',
        '--vscode-dropdown-border': '#3c3c3c',
        '--vscode-dropdown-listBackground': '#1f1f1f',
        '--vscode-settings-dropdownBackground': '#313131',
        '--vscode-settings-dropdownForeground': '#cccccc',
        '--vscode-settings-dropdownBorder': '#3c3c3c',
        '--vscode-settings-dropdownListBorder': '#454545',
        '--vscode-settings-textInputBackground': '#313131',
        '--vscode-settings-textInputForeground': '#cccccc',
        '--vscode-settings-textInputBorder': '#3c3c3c',
        '--vscode-settings-checkboxBackground': '#313131',
        '--vscode-button-background': '#0078d4',
        '--vscode-button-foreground': '#ffffff',
        '--vscode-button-hoverBackground': '#026ec1',
        '--vscode-button-border': '#ffffff12',
        '--vscode-button-secondaryBackground': '#313131',
        '--vscode-button-secondaryForeground': '#cccccc',
        '--vscode-button-secondaryHoverBackground': '#3c3c3c',
        '--vscode-textLink-foreground': '#4daafc',
        '--vscode-textPreformat-foreground': '#d0d0d0',
        '--vscode-textPreformat-background': '#3c3c3c',
        '--vscode-textCodeBlock-background': '#2b2b2b',
        '--vscode-toolbar-hoverBackground': '#5a5d5e50',
        '--vscode-progressBar-background': '#0078d4',
        '--vscode-inputValidation-warningBackground': '#352a05',
        '--vscode-inputValidation-warningBorder': '#b89500',
        '--vscode-inputValidation-errorBackground': '#5a1d1d',
        '--vscode-inputValidation-errorBorder': '#be1100',
        '--vscode-editorWarning-foreground': '#cca700',
        '--vscode-editorError-foreground': '#f14c4c',
        '--vscode-diffEditor-insertedTextBackground': '#9ccc2c33',
        '--vscode-diffEditor-removedTextBackground': '#ff000033',
        '--vscode-diffEditor-insertedLineBackground': '#9bb95533',
        '--vscode-diffEditor-removedLineBackground': '#ff000033',
        '--vscode-scrollbarSlider-background': '#79797966',
        '--vscode-scrollbarSlider-hoverBackground': '#646464b3',
        '--vscode-scrollbarSlider-activeBackground': '#bfbfbf66',
      },
    },
    light: {
      kind: 'vscode-light',
      name: 'Light Modern',
      vars: {
        '--vscode-foreground': '#3b3b3b',
        '--vscode-descriptionForeground': '#3b3b3b',
        '--vscode-errorForeground': '#f85149',
        '--vscode-focusBorder': '#005fb8',
        '--vscode-icon-foreground': '#3b3b3b',
        '--vscode-widget-border': '#e5e5e5',
        '--vscode-editor-background': '#ffffff',
        '--vscode-editor-foreground': '#3b3b3b',
        '--vscode-sideBar-background': '#f8f8f8',
        '--vscode-sideBarSectionHeader-background': '#f8f8f8',
        '--vscode-sideBarSectionHeader-border': '#e5e5e5',
        '--vscode-panel-border': '#e5e5e5',
        '--vscode-editorGroupHeader-tabsBackground': '#f8f8f8',
        '--vscode-badge-background': '#cccccc',
        '--vscode-badge-foreground': '#3b3b3b',
        '--vscode-charts-foreground': '#616161',
        '--vscode-charts-lines': '#61616180',
        '--vscode-charts-red': '#e51400',
        '--vscode-charts-blue': '#1a85ff',
        '--vscode-charts-yellow': '#bf8803',
        '--vscode-charts-orange': '#d18616',
        '--vscode-charts-green': '#388a34',
        '--vscode-charts-purple': '#652d90',
        '--vscode-list-hoverBackground': '#f2f2f2',
        '--vscode-list-activeSelectionBackground': '#e8e8e8',
        '--vscode-list-activeSelectionForeground': '#000000',
        '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
        '--vscode-list-focusOutline': '#005fb8',
        '--vscode-list-highlightForeground': '#0066bf',
        '--vscode-input-background': '#ffffff',
        '--vscode-input-foreground': '#3b3b3b',
        '--vscode-input-border': '#cecece',
        '--vscode-input-placeholderForeground': '#767676',
        '--vscode-dropdown-background': '#ffffff',
        '--vscode-dropdown-foreground': '#3b3b3b',
        '--vscode-dropdown-border': '#cecece',
        '--vscode-dropdown-listBackground': '#ffffff',
        '--vscode-settings-dropdownBackground': '#ffffff',
        '--vscode-settings-dropdownForeground': '#3b3b3b',
        '--vscode-settings-dropdownBorder': '#cecece',
        '--vscode-settings-dropdownListBorder': '#c8c8c8',
        '--vscode-settings-textInputBackground': '#ffffff',
        '--vscode-settings-textInputForeground': '#3b3b3b',
        '--vscode-settings-textInputBorder': '#cecece',
        '--vscode-settings-checkboxBackground': '#f8f8f8',
        '--vscode-button-background': '#005fb8',
        '--vscode-button-foreground': '#ffffff',
        '--vscode-button-hoverBackground': '#0258a8',
        '--vscode-button-border': '#0000001a',
        '--vscode-button-secondaryBackground': '#e5e5e5',
        '--vscode-button-secondaryForeground': '#3b3b3b',
        '--vscode-button-secondaryHoverBackground': '#cccccc',
        '--vscode-textLink-foreground': '#005fb8',
        '--vscode-textPreformat-foreground': '#3b3b3b',
        '--vscode-textPreformat-background': '#0000001f',
        '--vscode-textCodeBlock-background': '#f2f2f2',
        '--vscode-toolbar-hoverBackground': '#b8b8b850',
        '--vscode-progressBar-background': '#005fb8',
        '--vscode-inputValidation-warningBackground': '#f6f5d2',
        '--vscode-inputValidation-warningBorder': '#b89500',
        '--vscode-inputValidation-errorBackground': '#f2dede',
        '--vscode-inputValidation-errorBorder': '#be1100',
        '--vscode-editorWarning-foreground': '#bf8803',
        '--vscode-editorError-foreground': '#e51400',
        '--vscode-diffEditor-insertedTextBackground': '#9ccc2c40',
        '--vscode-diffEditor-removedTextBackground': '#ff000033',
        '--vscode-diffEditor-insertedLineBackground': '#9bb95533',
        '--vscode-diffEditor-removedLineBackground': '#ff000033',
        '--vscode-scrollbarSlider-background': '#64646466',
        '--vscode-scrollbarSlider-hoverBackground': '#646464b3',
        '--vscode-scrollbarSlider-activeBackground': '#00000099',
      },
    },
  };

  var applied = [];
  function setTheme(name) {
    var theme = themes[name];
    if (!theme) throw new Error('unknown harness theme ' + name);
    var style = document.documentElement.style;
    for (var i = 0; i < applied.length; i++) style.removeProperty(applied[i]);
    applied = [];
    var all = Object.assign({}, common, theme.vars);
    for (var key in all) {
      style.setProperty(key, all[key]);
      applied.push(key);
    }
    var body = document.body;
    body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light');
    body.classList.add(theme.kind);
    body.setAttribute('data-vscode-theme-kind', theme.kind);
    body.setAttribute('data-vscode-theme-name', theme.name);
  }

  var violations = [];
  document.addEventListener('securitypolicyviolation', function (e) {
    violations.push(
      e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + (e.sample ? ': ' + e.sample : ''),
    );
  });

  window.podiumHarness = { setTheme: setTheme, themes: Object.keys(themes), cspViolations: violations };
  setTheme(new window.URLSearchParams(window.location.search).get('theme') || 'dark');
})();
