import {
  createContext,
  lazy,
  Suspense,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useNavigate } from 'react-router';
import { useUser } from '../auth/session.tsx';
import { staffShortcuts, type Shortcut } from '../lib/shortcuts.ts';
import { useShortcuts } from '../lib/useShortcuts.ts';
import { canOpen, hasPermission, workspaceById } from '../nav/workspaces.ts';

// The list (a modal with a table) loads when first opened, not with every staff page.
const ShortcutHelp = lazy(() => import('./ShortcutHelp.tsx').then((m) => ({ default: m.ShortcutHelp })));

interface ShortcutsApi {
  /** The shortcuts this user has (none without the customer screens). */
  shortcuts: readonly Shortcut[];
  register(id: string, run: () => void): () => void;
  openHelp(): void;
}

const ShortcutsContext = createContext<ShortcutsApi | undefined>(undefined);

/**
 * Keyboard shortcuts on every staff page, not just one workspace: a page that has the target of a
 * shortcut (a search box) registers it; elsewhere Alt+S opens the customer search, Alt+N the
 * intake form (new request), "?" the list.
 */
export function ShortcutsProvider({ children }: { children: ReactNode }) {
  const user = useUser();
  const navigate = useNavigate();
  const shortcuts = useMemo(
    () =>
      staffShortcuts({
        searchCustomers: canOpen(workspaceById('customers'), user),
        createRequests: hasPermission(user, 'request.create'),
      }),
    [user],
  );
  const targets = useRef(new Map<string, () => void>());
  const [helpOpen, setHelpOpen] = useState(false);

  useShortcuts(shortcuts, (id) => {
    if (id === 'help') setHelpOpen(true);
    else if (targets.current.has(id)) targets.current.get(id)!();
    // The customer search page focuses its box when it opens.
    else if (id === 'searchCustomer') void navigate('/customers');
    // The intake form (a page of its own, so the call can go on while the agent looks elsewhere).
    else if (id === 'newRequest') void navigate('/requests/new');
  });

  const register = useCallback((id: string, run: () => void) => {
    targets.current.set(id, run);
    return () => {
      if (targets.current.get(id) === run) targets.current.delete(id);
    };
  }, []);
  const api = useMemo(
    () => ({ shortcuts, register, openHelp: () => setHelpOpen(true) }),
    [shortcuts, register],
  );
  return (
    <ShortcutsContext.Provider value={api}>
      {children}
      {helpOpen ? (
        <Suspense fallback={null}>
          <ShortcutHelp open onClose={() => setHelpOpen(false)} shortcuts={shortcuts} />
        </Suspense>
      ) : null}
    </ShortcutsContext.Provider>
  );
}

/** Makes `run` what a shortcut does while the calling component is on screen. */
export function useShortcutTarget(id: string, run: () => void): void {
  const ctx = useContext(ShortcutsContext);
  const latest = useRef(run);
  useLayoutEffect(() => {
    latest.current = run;
  });
  useEffect(() => ctx?.register(id, () => latest.current()), [ctx, id]);
}

/** The shortcut list and a way to show it (for a "shortcuts" button or menu entry). */
export function useShortcutList(): Pick<ShortcutsApi, 'shortcuts' | 'openHelp'> {
  const ctx = useContext(ShortcutsContext);
  return ctx ?? { shortcuts: [], openHelp: () => {} };
}
