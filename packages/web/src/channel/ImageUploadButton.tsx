import { useRef } from 'react';
import { Icon } from '../components/Icon.tsx';
import { useChatContext } from '../chat/chat-context.ts';
import type { ImageDrafts } from '../uploads/image-drafts.ts';

/** "Upload image": opens the file picker; the chosen images join the composer's tray. Not for visitors. */
export function ImageUploadButton({
  tray,
  onProblem,
}: {
  tray: ImageDrafts;
  onProblem: (text: string) => void;
}) {
  const { me } = useChatContext();
  const input = useRef<HTMLInputElement>(null);
  if (me.role === 'visitor') return null;
  return (
    <>
      <button
        type="button"
        className="icon-btn attach-btn"
        aria-label="Upload image"
        title="Upload image (or paste, or drop)"
        onClick={() => input.current?.click()}
      >
        <Icon name="image" size={20} />
      </button>
      <input
        ref={input}
        type="file"
        accept="image/png,image/jpeg,image/gif,image/webp"
        multiple
        hidden
        tabIndex={-1}
        onChange={(e) => {
          for (const p of tray.add([...(e.target.files ?? [])])) onProblem(p);
          e.target.value = '';
        }}
      />
    </>
  );
}
