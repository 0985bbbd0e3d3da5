import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { Card } from '@sdr/ui';
import { BrandMark } from './BrandMark.tsx';

/** The centred frame of the signed-out screens. */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle: string;
  children: ReactNode;
  footer: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · SDR Platform`;
  }, [title]);
  return (
    <main className="auth">
      <div className="auth__panel">
        <div className="auth__brand">
          <BrandMark />
          <span className="auth__brand-name">SDR Platform</span>
        </div>
        <Card className="auth__card">
          <h1 className="auth__title">{title}</h1>
          <p className="auth__subtitle">{subtitle}</p>
          {children}
        </Card>
        <p className="auth__footer">{footer}</p>
      </div>
    </main>
  );
}
