// `nimbus dev --inspect`: an instance opens its inspector when it starts (at its first
// call), so the dev loop asks the inspector's own HTTP endpoint (/json/list, as Chrome's
// chrome://inspect does) and prints each new target's WebSocket URL for a debugger.
export interface InspectorWatch {
  close(): void;
}

interface InspectorTarget {
  readonly id?: string;
  readonly webSocketDebuggerUrl?: string;
}

export function watchInspectorTargets(host: string, port: number, report: (wsUrl: string) => void, everyMs = 300): InspectorWatch {
  const seen = new Set<string>();
  const poll = async (): Promise<void> => {
    try {
      const res = await fetch(`http://${host}:${port}/json/list`, { signal: AbortSignal.timeout(1000) });
      for (const target of (await res.json()) as InspectorTarget[]) {
        const url = target.webSocketDebuggerUrl;
        if (url !== undefined && !seen.has(url)) {
          seen.add(url);
          report(url);
        }
      }
    } catch {
      // No instance running yet (or it is between reloads): nothing to attach to.
    }
  };
  const timer = setInterval(() => void poll(), everyMs);
  return { close: () => clearInterval(timer) };
}
