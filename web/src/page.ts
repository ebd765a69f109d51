// What the router mounts: an element and a way to stop its timers when the user leaves.
export interface Page {
  readonly element: HTMLElement;
  dispose(): void;
}

/** Runs `task` now and every `ms` until disposed; one run at a time, errors shown by the task itself. */
export function every(ms: number, task: () => Promise<void>): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async (): Promise<void> => {
    try {
      await task();
    } catch (err) {
      console.error(err);
    }
    if (!stopped) timer = setTimeout(() => void run(), ms);
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
