/** Keeps a page's rendering fault inside the page: the shell and navigation stay usable. */
import { Component, type ReactNode } from 'react';

export class PageErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error)
      return (
        <div className="state failed" role="alert">
          This page failed to render: {this.state.error.message}
        </div>
      );
    return this.props.children;
  }
}
