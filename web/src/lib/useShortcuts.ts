import { useEffect, useEffectEvent } from 'react';
import { isTextField, matchShortcut, type Shortcut } from './shortcuts.ts';

/** Calls `onShortcut(id)` when one of `list` is pressed anywhere on the page. */
export function useShortcuts(list: readonly Shortcut[], onShortcut: (id: string) => void): void {
  const fire = useEffectEvent(onShortcut);
  useEffect(() => {
    const handler = (e: KeyboardEvent) => {
      const hit = matchShortcut(
        {
          key: e.key,
          code: e.code,
          altKey: e.altKey,
          ctrlKey: e.ctrlKey,
          metaKey: e.metaKey,
          shiftKey: e.shiftKey,
          inTextField: isTextField(e.target),
        },
        list,
      );
      if (!hit) return;
      e.preventDefault();
      fire(hit.id);
    };
    window.addEventListener('keydown', handler);
    return () => window.removeEventListener('keydown', handler);
  }, [list]);
}
