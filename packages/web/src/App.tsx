import { useEffect } from 'react';
import { useSession } from './session/use-session.ts';
import { sessionStore } from './session/session-store.ts';
import { SignInScreen } from './sign-in/SignInScreen.tsx';
import { SetPasswordScreen } from './sign-in/SetPasswordScreen.tsx';
import { ChatShell } from './shell/ChatShell.tsx';

export function App() {
  const session = useSession();
  useEffect(() => {
    void sessionStore.start();
  }, []);

  switch (session.status) {
    case 'loading':
      return (
        <div className="splash" role="status" aria-label="Loading">
          <span className="spinner" aria-hidden="true" />
        </div>
      );
    case 'signedOut':
      return <SignInScreen notice={session.notice} />;
    case 'mustChangePassword':
      return <SetPasswordScreen user={session.user} />;
    case 'signedIn':
      return <ChatShell client={session.client} user={session.user} />;
  }
}
