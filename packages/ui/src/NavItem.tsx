import type { ReactNode } from 'react';
import { Icon } from './Icon.tsx';
import type { IconName } from './Icon.tsx';
import { Kbd } from './Kbd.tsx';

export type NavItemProps = {
  icon: IconName;
  label: string;
  active?: boolean;
  onSelect: () => void;
  /** Keys shown on hover/focus, e.g. `['g', 'l']`. */
  shortcut?: readonly string[];
  trailing?: ReactNode;
};

/** One entry of the sidebar navigation. The active entry has `aria-current="page"`. */
export function NavItem({
  icon,
  label,
  active = false,
  onSelect,
  shortcut,
  trailing,
}: NavItemProps) {
  return (
    <button
      type="button"
      className="ui-nav-item"
      aria-current={active ? 'page' : undefined}
      onClick={onSelect}
    >
      <Icon name={icon} size={17} />
      <span className="ui-nav-item__label">{label}</span>
      {trailing}
      {shortcut ? (
        <span className="ui-nav-item__shortcut" aria-hidden="true">
          {shortcut.map((key) => (
            <Kbd key={key}>{key}</Kbd>
          ))}
        </span>
      ) : null}
    </button>
  );
}
