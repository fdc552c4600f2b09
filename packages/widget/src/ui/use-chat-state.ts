import { useEffect, useState } from 'preact/hooks';
import type { ChatClient, ChatState } from '../chat-client.js';

/** The chat model's state, re-rendering on every change. */
export function useChatState(client: ChatClient): ChatState {
  const [state, setState] = useState(client.state);
  useEffect(() => {
    const unsubscribe = client.store.subscribe(() => setState(client.state));
    // A change between the first render and this subscription would otherwise be missed.
    setState(client.state);
    return unsubscribe;
  }, [client]);
  return state;
}
