import { useTyping } from '../chat/use-chat.ts';
import { stripBidiControls } from '../text/parse-rich-text.ts';

function sentence(names: readonly string[]): string {
  const n = names.map(stripBidiControls);
  if (n.length === 1) return `${n[0]} is typing…`;
  if (n.length === 2) return `${n[0]} and ${n[1]} are typing…`;
  if (n.length === 3) return `${n[0]}, ${n[1]} and ${n[2]} are typing…`;
  return 'Several people are typing…';
}

export function TypingIndicator({ channelId }: { channelId: string }) {
  const names = useTyping(channelId);
  return (
    <div className="typing" role="status" aria-label="Typing">
      {names.length > 0 ? (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <span>{sentence(names)}</span>
        </>
      ) : null}
    </div>
  );
}
