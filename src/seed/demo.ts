// The demo data: every module's part, in registry order (the org tree and staff before the
// customers they serve). Idempotent: a module adds its part only when it is not there yet.
import type { ModuleContext } from '../context.ts';
import { modules } from '../modules.ts';

export { chineseNames, DEMO_LOGINS, DEMO_UNITS, demoId } from '../modules/identity/index.ts';

/** Loads every module's demo data that is not there yet; `created` says whether anything was added. */
export async function ensureDemoData(ctx: ModuleContext, onProgress: (msg: string) => void = () => {}) {
  let created = false;
  for (const m of modules) {
    if (m.demo && (await m.demo(ctx, onProgress))) created = true;
  }
  return { created };
}
