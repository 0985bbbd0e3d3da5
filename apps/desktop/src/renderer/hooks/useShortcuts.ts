import { useEffect, useRef } from 'react';
import { createShortcutMatcher, isTypingTarget } from '../shortcuts.ts';
import type { ShortcutMap } from '../shortcuts.ts';

/** Listens for the app's shortcuts on the window and calls `onAction` with the action's name. */
export function useShortcuts<A extends string>(map: ShortcutMap<A>, onAction: (action: A) => void) {
  const onActionRef = useRef(onAction);
  useEffect(() => {
    onActionRef.current = onAction;
  });
  useEffect(() => {
    const press = createShortcutMatcher(map);
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat || isTypingTarget(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const action = press({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        at: event.timeStamp,
      });
      if (action === null) return;
      event.preventDefault();
      onActionRef.current(action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [map]);
}
