import { useEffect, useRef, useState } from 'react';
import type { Result } from '../../shared/contract.ts';
import { errorMessage } from '../errors.ts';

export type EngineQuery<T> = {
  /** `null` while loading or after an error. */
  data: T | null;
  error: string | null;
  /** Ask again (e.g. after a change). The old data stays on screen meanwhile. */
  reload: () => void;
  /** Replace the data locally after a change the engine confirmed. */
  update: (change: (data: T) => T) => void;
};

/**
 * Loads something from the engine when the component mounts and whenever `key` changes (e.g. the
 * workspace id). Answers that arrive after unmount or after a newer request are dropped.
 */
export function useEngineQuery<T>(load: () => Promise<Result<T>>, key: string): EngineQuery<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    let current = true;
    void loadRef.current().then((result) => {
      if (!current) return;
      if (result.ok) {
        setData(result.data);
        setError(null);
      } else setError(errorMessage(result.error));
    });
    return () => {
      current = false;
    };
  }, [key, version]);

  return {
    data,
    error,
    reload: () => setVersion((v) => v + 1),
    update: (change) => setData((previous) => (previous === null ? previous : change(previous))),
  };
}
