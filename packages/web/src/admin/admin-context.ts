import { createContext, useContext } from 'react';
import type { User } from '@segmentchat/protocol';

export interface AdminContextValue {
  me: User;
  /** Called with any failed call: an ended session sends the panel back to sign-in. */
  onError: (err: unknown) => string;
}

export const AdminContext = createContext<AdminContextValue | null>(null);

export function useAdmin(): AdminContextValue {
  const value = useContext(AdminContext);
  if (!value) throw new Error('useAdmin outside the admin panel');
  return value;
}
