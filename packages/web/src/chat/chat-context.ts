import { createContext, useContext } from 'react';
import type { ChatClient } from '@segmentchat/client';
import type { User } from '@segmentchat/protocol';

export interface ChatContextValue {
  client: ChatClient;
  me: User;
}

export const ChatContext = createContext<ChatContextValue | null>(null);

export function useChatContext(): ChatContextValue {
  const value = useContext(ChatContext);
  if (!value) throw new Error('useChatContext outside <ChatContext>');
  return value;
}
