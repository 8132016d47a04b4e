import type { PresenceStatus } from '@segmentchat/protocol';

// Eight hues that keep white initials readable in both themes.
const COLORS = ['#e0565b', '#e08a2e', '#c9a227', '#3aa76d', '#2c9ab7', '#4f6bed', '#8a5cd6', '#c9509b'];

export function avatarColor(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return COLORS[h % COLORS.length] ?? '#4f6bed';
}

export function Avatar({
  name,
  size = 36,
  status,
}: {
  name: string;
  size?: number;
  status?: PresenceStatus | undefined;
}) {
  const initial = [...name][0]?.toUpperCase() ?? '?';
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.44 }} aria-hidden="true">
      <span className="avatar-face" style={{ background: avatarColor(name) }}>
        {initial}
      </span>
      {status ? <span className={`presence-dot presence-${status}`} /> : null}
    </span>
  );
}
