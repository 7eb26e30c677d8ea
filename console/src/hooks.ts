import { useEffect, useState } from 'preact/hooks';

interface Source<T> {
  subscribe(listener: (value: T) => void): () => void;
  snapshot(): T;
}

/** The latest snapshot of a connection, re-rendering on every change. */
export function useSnapshot<T>(source: Source<T>): T {
  const [state, setState] = useState(() => ({ source, value: source.snapshot() }));
  useEffect(() => {
    setState({ source, value: source.snapshot() });
    return source.subscribe((value) => setState({ source, value }));
  }, [source]);
  return state.source === source ? state.value : source.snapshot();
}

/** The current time, refreshed every `intervalMs`, for live waiting times. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
