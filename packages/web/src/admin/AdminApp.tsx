/**
 * Placeholder for the admin panel (issue 6), served at /admin as a lazy chunk. The admin helper
 * replaces this file; sign-in and session state can be reused from ../session/session-store.ts.
 */
export default function AdminApp() {
  return (
    <main className="signin">
      <div className="signin-card">
        <h1 className="signin-title">Admin panel</h1>
        <p className="signin-subtitle">The admin panel is not available yet.</p>
        <a className="btn btn-secondary btn-block" href="/">
          Back to chat
        </a>
      </div>
    </main>
  );
}
