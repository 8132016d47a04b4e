import type { ReactNode } from 'react';

/** The title of an admin section (the main landmark is labelled by it) and its actions. */
export function PageHeader({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="admin-head">
      <div>
        <h1 id="admin-page-title" className="admin-title">
          {title}
        </h1>
        {subtitle ? <p className="admin-subtitle">{subtitle}</p> : null}
      </div>
      {children ? <div className="admin-head-actions">{children}</div> : null}
    </div>
  );
}

/** Results of the last action, announced politely. */
export function Notice({ text, tone = 'success' }: { text: string | null; tone?: 'success' | 'error' }) {
  return (
    <div className="admin-notice-slot" role={tone === 'error' ? 'alert' : 'status'}>
      {text ? <p className={`admin-notice admin-notice-${tone}`}>{text}</p> : null}
    </div>
  );
}
