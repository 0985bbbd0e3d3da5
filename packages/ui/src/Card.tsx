import { useId } from 'react';
import type { HTMLAttributes, ReactNode } from 'react';

export type CardProps = Omit<HTMLAttributes<HTMLElement>, 'title'> & {
  title?: ReactNode;
  description?: ReactNode;
  /** Buttons shown at the right of the header. */
  actions?: ReactNode;
};

/** A bordered surface. With a title it renders as a `<section>` labelled by its heading. */
export function Card({ title, description, actions, children, className, ...rest }: CardProps) {
  const titleId = useId();
  const classes = className ? `ui-card ${className}` : 'ui-card';
  if (!title) {
    return (
      <div className={classes} {...rest}>
        <div className="ui-card__body">{children}</div>
      </div>
    );
  }
  return (
    <section className={classes} aria-labelledby={titleId} {...rest}>
      <header className="ui-card__header">
        <div>
          <h2 id={titleId} className="ui-card__title">
            {title}
          </h2>
          {description ? <p className="ui-card__description">{description}</p> : null}
        </div>
        {actions}
      </header>
      <div className="ui-card__body">{children}</div>
    </section>
  );
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'accent' | 'success' | 'warning';
  children: ReactNode;
}) {
  return (
    <span className={tone === 'neutral' ? 'ui-badge' : `ui-badge ui-badge--${tone}`}>
      {children}
    </span>
  );
}

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="ui-page-header">
      <div>
        <h1 className="ui-page-header__title">{title}</h1>
        {description ? <p className="ui-page-header__description">{description}</p> : null}
      </div>
      {actions}
    </header>
  );
}
