// Changes to functions, published for the parts that cache per-function state (the
// runtime drops instances of deleted or updated functions). Subscribers never block the
// publisher: node:diagnostics_channel delivers synchronously and cheaply.
import diagnostics from 'node:diagnostics_channel';
import type { FunctionKey } from '../../store/records.js';

export type FunctionEvent =
  /** $LATEST or function-level settings (reserved concurrency) changed. */
  | { readonly kind: 'updated'; readonly key: FunctionKey }
  | { readonly kind: 'deleted'; readonly key: FunctionKey }
  | { readonly kind: 'version-deleted'; readonly key: FunctionKey; readonly version: string }
  /** Created, updated or deleted. */
  | { readonly kind: 'alias-changed'; readonly key: FunctionKey; readonly alias: string }
  | { readonly kind: 'provisioned-changed'; readonly key: FunctionKey; readonly qualifier: string }
  | { readonly kind: 'settle-failed'; readonly key: FunctionKey; readonly error: unknown };

export interface FunctionEvents {
  publish(event: FunctionEvent): void;
  subscribe(listener: (event: FunctionEvent) => void): () => void;
}

export function createFunctionEvents(name = 'nimbus:functions'): FunctionEvents {
  // A symbol gives each platform in one process (tests) its own channel.
  const channel = diagnostics.channel(Symbol(name));
  return {
    publish(event) {
      if (channel.hasSubscribers) channel.publish(event);
    },
    subscribe(listener) {
      const handler = (message: unknown): void => listener(message as FunctionEvent);
      channel.subscribe(handler);
      return () => channel.unsubscribe(handler);
    },
  };
}
