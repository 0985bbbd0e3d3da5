import type { ReactNode } from 'react';
import { Icon } from './Icon.tsx';
import type { IconName } from './Icon.tsx';

export type EmptyStateProps = {
  icon: IconName;
  title: ReactNode;
  text: ReactNode;
  action?: ReactNode;
  headingLevel?: 2 | 3;
};

/** What a screen shows when it has nothing to show yet. Say honestly why, and what to do next. */
export function EmptyState({ icon, title, text, action, headingLevel = 2 }: EmptyStateProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className="ui-empty">
      <span className="ui-empty__icon">
        <Icon name={icon} size={24} />
      </span>
      <Heading className="ui-empty__title">{title}</Heading>
      <p className="ui-empty__text">{text}</p>
      {action ? <div className="ui-empty__action">{action}</div> : null}
    </div>
  );
}
