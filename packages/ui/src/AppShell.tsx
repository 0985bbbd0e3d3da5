import type { ReactNode } from 'react';

export type AppShellProps = {
  /** Sidebar content: usually a workspace switcher, a `<Nav>` and account controls. */
  sidebar: ReactNode;
  topBar: ReactNode;
  statusBar?: ReactNode;
  children: ReactNode;
  /** Accessible name of the sidebar's navigation landmark. */
  navLabel?: string;
  contentId?: string;
};

/**
 * The application frame: sidebar navigation on the left, a top bar and scrolling content on the
 * right, and an optional status bar along the bottom. Includes a "Skip to content" link.
 */
export function AppShell({
  sidebar,
  topBar,
  statusBar,
  children,
  navLabel = 'Main',
  contentId = 'ui-content',
}: AppShellProps) {
  return (
    <div className="ui-shell">
      <a className="ui-skip-link" href={`#${contentId}`}>
        Skip to content
      </a>
      <nav className="ui-shell__sidebar" aria-label={navLabel}>
        {sidebar}
      </nav>
      <div className="ui-shell__main">
        <header className="ui-shell__topbar">{topBar}</header>
        <main id={contentId} className="ui-shell__content" tabIndex={-1}>
          {children}
        </main>
      </div>
      {statusBar ? (
        <footer className="ui-shell__status" aria-label="Status">
          {statusBar}
        </footer>
      ) : null}
    </div>
  );
}

export function NavSection({ heading, children }: { heading?: string; children: ReactNode }) {
  return (
    <div className="ui-nav">
      {heading ? <div className="ui-nav__heading">{heading}</div> : null}
      {children}
    </div>
  );
}

export type StatusTone = 'ok' | 'warn' | 'error' | 'neutral';

/** A coloured dot with a label, for the status bar. Changes are announced politely. */
export function StatusIndicator({ tone, children }: { tone: StatusTone; children: ReactNode }) {
  return (
    <span className={`ui-status ui-status--${tone}`} role="status">
      <span className="ui-status__dot" aria-hidden="true" />
      {children}
    </span>
  );
}
