/** Keyboard shortcuts: a pure description and matcher, so the help list and the handler agree. */
export interface Shortcut {
  id: string;
  /** KeyboardEvent.code for letter keys (layout-independent, and Alt+letter on macOS gives other keys). */
  code?: string;
  /** KeyboardEvent.key for symbols such as "?". */
  key?: string;
  alt?: boolean;
  /** Shown in the help list, e.g. "Alt+N". */
  label: string;
}

export interface KeyPress {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  /** The key went to a text field (then unmodified keys are typing, not shortcuts). */
  inTextField: boolean;
}

// On every staff page of users who search customers; Alt+N (new request, the intake form) only for
// those who may accept requests (staffShortcuts). My queue (Alt+Q) comes with the queue views: a key
// must do something.
export const STAFF_SHORTCUTS: readonly Shortcut[] = [
  { id: 'searchCustomer', code: 'KeyS', alt: true, label: 'Alt+S' },
  { id: 'newRequest', code: 'KeyN', alt: true, label: 'Alt+N' },
  { id: 'help', key: '?', label: '?' },
];

/** The shortcuts a user has: the customer search, and Alt+N only with the right to accept requests. */
export function staffShortcuts(can: {
  searchCustomers: boolean;
  createRequests: boolean;
}): readonly Shortcut[] {
  if (!can.searchCustomers) return [];
  return STAFF_SHORTCUTS.filter((s) => s.id !== 'newRequest' || can.createRequests);
}

export function matchShortcut(press: KeyPress, list: readonly Shortcut[]): Shortcut | undefined {
  if (press.ctrlKey || press.metaKey) return undefined;
  return list.find((s) => {
    if (s.alt) return press.altKey && press.code === s.code;
    if (press.altKey || press.inTextField) return false;
    return s.key !== undefined ? press.key === s.key : press.code === s.code;
  });
}

/** Whether an event target is somewhere a person types text. */
export function isTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable === true;
}

export function shortcutLabel(list: readonly Shortcut[], id: string): string {
  return list.find((s) => s.id === id)?.label ?? '';
}
