/** Small hooks of the inbox screens: a ticking clock (SLA countdowns) and `inbox:changed`. */
import { useEffect, useRef, useState } from 'react';
import type { EventPayload } from '../../shared/contract.ts';
import { engine } from '../engine.ts';

/** The time now, updated every `everyMs` (SLA timers count down on screen). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Calls `cb` on every `inbox:changed` event and whenever the engine connection comes back. */
export function useInboxChanged(cb: (change: EventPayload<'inbox:changed'> | null) => void): void {
  const ref = useRef(cb);
  useEffect(() => {
    ref.current = cb;
  });
  useEffect(() => {
    const off = engine.on('inbox:changed', (change) => ref.current(change));
    const offConn = engine.onConnection((state) => {
      if (state === 'open') ref.current(null);
    });
    return () => {
      off();
      offConn();
    };
  }, []);
}
