import type { DB } from './db.ts';
import type { ModuleContext as PlatformModuleContext } from './platform/module.ts';

/** The context the composition holds: every module's tables (each module is given its own view). */
export type ModuleContext = PlatformModuleContext<DB>;
