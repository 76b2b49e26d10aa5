import { describe, expect, it } from 'vitest';
import { STAFF_SHORTCUTS, matchShortcut, shortcutLabel, staffShortcuts, type KeyPress } from './shortcuts.ts';

const press = (p: Partial<KeyPress>): KeyPress => ({
  key: '',
  code: '',
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  inTextField: false,
  ...p,
});
const hit = (p: Partial<KeyPress>) => matchShortcut(press(p), STAFF_SHORTCUTS)?.id;

describe('keyboard shortcuts', () => {
  it('maps Alt+S, Alt+N and ?, and no key to what is not built (my queue)', () => {
    expect(hit({ code: 'KeyS', key: 's', altKey: true })).toBe('searchCustomer');
    expect(hit({ code: 'KeyN', key: 'n', altKey: true })).toBe('newRequest');
    expect(hit({ code: 'Slash', key: '?', shiftKey: true })).toBe('help');
    expect(hit({ code: 'KeyQ', key: 'q', altKey: true })).toBeUndefined();
  });

  it('gives Alt+N only to users who may accept requests, and nothing without the customer search', () => {
    const ids = (c: { searchCustomers: boolean; createRequests: boolean }) =>
      staffShortcuts(c).map((s) => s.id);
    expect(ids({ searchCustomers: true, createRequests: true })).toEqual([
      'searchCustomer',
      'newRequest',
      'help',
    ]);
    expect(ids({ searchCustomers: true, createRequests: false })).toEqual(['searchCustomer', 'help']);
    expect(ids({ searchCustomers: false, createRequests: true })).toEqual([]);
  });

  it('works from inside a text field for Alt shortcuts, and on macOS where Alt+S types "ß"', () => {
    expect(hit({ code: 'KeyS', key: 'ß', altKey: true, inTextField: true })).toBe('searchCustomer');
  });

  it('leaves typing alone: "?" in a text field, plain letters, and browser Ctrl/⌘ shortcuts', () => {
    expect(hit({ code: 'Slash', key: '?', shiftKey: true, inTextField: true })).toBeUndefined();
    expect(hit({ code: 'KeyN', key: 'n' })).toBeUndefined();
    expect(hit({ code: 'KeyN', key: 'n', altKey: true, ctrlKey: true })).toBeUndefined();
    expect(hit({ code: 'KeyS', key: 's', metaKey: true })).toBeUndefined();
  });

  it('labels each shortcut for the help list', () => {
    expect(STAFF_SHORTCUTS.map((s) => s.label)).toEqual(['Alt+S', 'Alt+N', '?']);
    expect(shortcutLabel(STAFF_SHORTCUTS, 'searchCustomer')).toBe('Alt+S');
  });
});
