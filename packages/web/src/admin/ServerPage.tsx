import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ChatError, ErrorCode, type ServerStats } from '@segmentchat/protocol';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { adminApi } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';
import { formatBytes, formatDuration } from './admin-format.ts';
import { Notice, PageHeader } from './PageHeader.tsx';

/** The figures refresh this often: live enough to watch a restart, cheap for the server. */
const POLL_MS = 2000;
/** During a restart: the admin sees it is back within half a second of it being back. */
const RESTART_POLL_MS = 500;

type Phase = 'running' | 'restarting' | 'stopped';

export function ServerPage() {
  const { onError } = useAdmin();
  const [stats, setStats] = useState<ServerStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>('running');
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<'restart' | 'stop' | null>(null);
  const startedBefore = useRef<number | null>(null);

  useEffect(() => {
    let alive = true;
    async function poll() {
      try {
        const s = await adminApi.stats();
        if (!alive) return;
        setStats(s);
        setError(null);
        if (phase === 'restarting' && s.startedAt !== startedBefore.current) {
          setNotice('The server restarted and is back online.');
          setPhase('running');
        }
      } catch (err) {
        if (!alive) return;
        const unreachable = err instanceof ChatError && err.code === ErrorCode.UNAVAILABLE;
        // While it restarts the server does not answer; that is expected, not an error.
        if (!unreachable) setError(onError(err));
      }
    }
    void poll();
    const timer = setInterval(() => void poll(), phase === 'restarting' ? RESTART_POLL_MS : POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [onError, phase]);

  const figures: { label: string; value: string; hint?: string }[] = stats
    ? [
        { label: 'Connections', value: stats.connections.toLocaleString(), hint: 'Open WebSockets' },
        { label: 'Users online', value: stats.usersOnline.toLocaleString() },
        {
          label: 'Messages per minute',
          value: stats.messagesPerMinute.toLocaleString(),
          hint: 'Last 60 seconds',
        },
        { label: 'Uptime', value: formatDuration(stats.uptimeMs) },
        { label: 'Database size', value: formatBytes(stats.databaseBytes), hint: 'With its write-ahead log' },
        {
          label: 'Memory',
          value: formatBytes(stats.memory.rssBytes),
          hint: `${formatBytes(stats.memory.heapUsedBytes)} JavaScript heap`,
        },
      ]
    : [];

  return (
    <section className="admin-page" aria-labelledby="admin-page-title">
      <PageHeader
        title="Server"
        subtitle={
          <span className={`admin-live admin-live-${phase}`} role="status" aria-label="Server state">
            <span className="admin-live-dot" aria-hidden="true" />
            {phase === 'running' ? 'Running · live' : phase === 'restarting' ? 'Restarting…' : 'Stopped'}
          </span>
        }
      >
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => setConfirming('restart')}
          disabled={phase !== 'running' || stats?.supervised === false}
        >
          <Icon name="retry" size={16} />
          Restart server
        </button>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => setConfirming('stop')}
          disabled={phase === 'stopped'}
        >
          <Icon name="door" size={16} />
          Stop server
        </button>
      </PageHeader>
      <Notice text={notice ?? error} tone={notice ? 'success' : 'error'} />
      {stats && !stats.supervised ? (
        <p className="admin-hint">
          <Icon name="alert" size={16} />
          This server was not started with <code>npm start</code>, so it cannot restart itself from here.
        </p>
      ) : null}
      <dl className="admin-stats" aria-label="Live figures" aria-busy={stats === null}>
        {figures.map((f) => (
          <div key={f.label} className="admin-stat">
            <dt className="admin-stat-label">{f.label}</dt>
            <dd className="admin-stat-value">{f.value}</dd>
            {f.hint ? <dd className="admin-stat-hint">{f.hint}</dd> : null}
          </div>
        ))}
      </dl>
      {confirming ? (
        <ServerActionDialog
          action={confirming}
          onClose={() => setConfirming(null)}
          onDone={() => {
            setConfirming(null);
            if (confirming === 'restart') {
              startedBefore.current = stats?.startedAt ?? null;
              setPhase('restarting');
              setNotice('Restarting: everyone is reconnected automatically.');
            } else {
              setPhase('stopped');
              setNotice('The server stopped. Start it again on the server machine.');
            }
          }}
        />
      ) : null}
    </section>
  );
}

/** Restart and stop need a deliberate confirmation and the admin's own password, typed now. */
function ServerActionDialog({
  action,
  onClose,
  onDone,
}: {
  action: 'restart' | 'stop';
  onClose: () => void;
  onDone: () => void;
}) {
  const { onError } = useAdmin();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const restart = action === 'restart';

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await (restart ? adminApi.restart(password) : adminApi.stop(password));
      onDone();
    } catch (err) {
      setError(onError(err));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={restart ? 'Restart the server?' : 'Stop the server?'}
      size="sm"
      description={
        restart
          ? 'Everyone is disconnected for a moment and reconnects by themselves; nothing they send is lost.'
          : 'Everyone is disconnected and the server stays down until someone starts it on the server machine.'
      }
      onClose={onClose}
    >
      <form className="form-stack" onSubmit={(e) => void onSubmit(e)} noValidate>
        <label className="field">
          <span className="field-label">Your password</span>
          <input
            className="input"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoFocus
          />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            <Icon name="alert" size={16} />
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={`btn ${restart ? 'btn-primary' : 'btn-danger'}`}
            disabled={busy || !password}
          >
            {restart ? 'Restart now' : 'Stop now'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
