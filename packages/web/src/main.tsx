import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { registerServiceWorker } from './pwa/register-service-worker.ts';
import './styles/base.css';
import './styles/sign-in.css';
import './styles/shell.css';
import './styles/channel.css';

// The admin panel is its own lazily loaded chunk: chat users never download it.
const AdminApp = lazy(() => import('./admin/AdminApp.tsx'));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

const isAdmin = window.location.pathname === '/admin' || window.location.pathname.startsWith('/admin/');

createRoot(root).render(
  <StrictMode>
    {isAdmin ? (
      <Suspense fallback={<div className="splash" role="status" aria-label="Loading" />}>
        <AdminApp />
      </Suspense>
    ) : (
      <App />
    )}
  </StrictMode>,
);

registerServiceWorker();
