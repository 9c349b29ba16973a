/** Keeps one live stream open while the console is shown; exposes its connection state and a message bus. */
import { useEffect, useState } from 'react';
import { accessToken, refreshNow } from '../../auth/state/session.store.ts';
import { openStream, type ConnectionState } from '../api/stream.client.ts';
import type { SseMessage } from '../utils/sse.parser.ts';

type Listener = (m: SseMessage) => void;
const listeners = new Set<Listener>();

/** Subscribes to every message of the live stream (returns the unsubscribe function). */
export function onRealtimeMessage(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Opens the stream for `topics` while mounted; returns the connection state. */
export function useRealtime(topics: string[]): ConnectionState {
  const [state, setState] = useState<ConnectionState>({ status: 'connecting' });
  const key = topics.join(',');
  useEffect(() => {
    const stream = openStream({
      topics: key.split(','),
      getToken: accessToken,
      onUnauthorized: refreshNow,
      onMessage: (m) => listeners.forEach((l) => l(m)),
      onState: setState,
    });
    return () => stream.close();
  }, [key]);
  return state;
}
