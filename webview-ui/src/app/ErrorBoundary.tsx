import { Component, type ErrorInfo, type ReactNode } from 'react';
import type { FromWebview } from '../../../src/protocol';
import { t } from '../shared/l10n';

interface Props {
  report: (message: FromWebview) => void;
  children: ReactNode;
}

/**
 * Keeps a rendering bug from leaving a blank panel: the engineer sees what broke and how to
 * recover, and the host gets the error for its log.
 */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    this.props.report({
      type: 'reportError',
      message: `Score view crashed: ${error.message}`.slice(0, 10_000),
      stack: `${error.stack ?? ''}\n${info.componentStack ?? ''}`.slice(0, 20_000),
    });
  }

  render() {
    if (!this.state.error) return this.props.children;
    // The command's name is set in bold: the sentence is translated around it.
    const [before = '', after = ''] = t('error.recover').split('{command}');
    return (
      <div className="empty" role="alert">
        <span className="codicon codicon-error empty-icon tone-red" aria-hidden="true" />
        <h2>{t('error.title')}</h2>
        <p className="muted">{this.state.error.message}</p>
        <p>
          {before}
          <strong>{t('error.reloadCommand')}</strong>
          {after}
        </p>
      </div>
    );
  }
}
