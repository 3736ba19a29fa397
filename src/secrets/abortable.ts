// Waiting on a promise no longer than a signal allows: admission must answer even when a lookup never does.

/** Resolves with `promise`'s value, or with `onAbort()` as soon as `signal` aborts (the promise keeps running). */
export async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => T): Promise<T> {
  if (signal.aborted) return onAbort();
  let listener: (() => void) | undefined;
  const aborted = new Promise<T>((resolve) => {
    listener = () => resolve(onAbort());
    signal.addEventListener('abort', listener, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (listener) signal.removeEventListener('abort', listener);
  }
}
