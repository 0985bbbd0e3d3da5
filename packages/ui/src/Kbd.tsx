import type { ReactNode } from 'react';

/** A key cap, e.g. `<Kbd>g</Kbd> <Kbd>l</Kbd>`. */
export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="ui-kbd">{children}</kbd>;
}
