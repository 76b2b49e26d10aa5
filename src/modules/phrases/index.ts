// The phrases module's public face: other modules import only from here.
import { defineModule } from '../../platform/module.ts';
import { seedDemoPhrases } from './phrases.demo.ts';
import { phrasesMigrations } from './phrases.migrations.ts';
import { phraseRoutes } from './phrases.routes.ts';
import type { PhrasesTables } from './phrases.tables.ts';

/**
 * Canned phrases (常用语) with variables: shared by a unit (seen by it and every unit under it) or
 * personal; filled in by a pure render function (domain/render.ts).
 */
export const phrases = defineModule<PhrasesTables>({
  name: 'phrases',
  migrations: phrasesMigrations,
  routes: [{ plugin: phraseRoutes }],
  demo: (ctx) => seedDemoPhrases(ctx),
  permissions: {
    'phrase.read': {
      description: 'See and use canned phrases (your own, your unit’s and the units above)',
      roles: [
        'agent',
        'monitor',
        'dispatcher',
        'account_manager',
        'supervisor',
        'quality_inspector',
        'billing_specialist',
      ],
    },
    'phrase.manage.personal': {
      description: 'Keep your own canned phrases',
      roles: ['agent', 'monitor', 'dispatcher', 'account_manager', 'supervisor', 'billing_specialist'],
    },
    'phrase.manage.unit': {
      description: 'Keep the canned phrases shared in your unit and the units under it (in your data scope)',
      roles: ['supervisor'],
    },
  },
});

export { renderPhrase, variablesOf, VARIABLES, type RenderContext, type Rendered } from './domain/render.ts';
export type { PhrasesTables } from './phrases.tables.ts';
