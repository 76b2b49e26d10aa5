// Module boundaries, checked by `npm run lint` and `npm test` (`npx depcruise src`):
// modules reach each other only through their index.ts, the platform depends on no module and not
// on the composition, and no cycle of runtime imports exists (type-only imports vanish at run
// time, so they may go both ways). A module's words (domain/words.ts: what people read for its codes)
// are the one exception to the index rule: plain data that imports nothing, read by other modules
// and by the console (web/) alike. test/boundaries.test.ts shows each rule failing on a fixture.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'module-deep-import',
      severity: 'error',
      comment:
        'Another module is reached through its index.ts only (its public face); move what you need there.',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: [
          '^src/modules/$1/',
          '^src/modules/[^/]+/index\\.ts$',
          '^src/modules/[^/]+/domain/words\\.ts$',
        ],
      },
    },
    {
      name: 'words-pure',
      severity: 'error',
      comment:
        "A module's words are imported directly by other modules and by the console's bundle: plain data that imports nothing (no server code in the browser, no cycle).",
      from: { path: '^src/modules/[^/]+/domain/words\\.ts$' },
      to: {},
    },
    {
      name: 'composition-deep-import',
      severity: 'error',
      comment: 'The composition (server, CLI, registry, seed) reaches a module through its index.ts only.',
      from: { path: '^src/', pathNot: ['^src/modules/', '^src/platform/'] },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'platform-independent',
      severity: 'error',
      comment:
        'The platform knows no module and not the composition: pass what it needs in (see platform/module.ts).',
      from: { path: '^src/platform/' },
      to: {
        path: ['^src/modules/', '^src/(server|modules|main|cli|db|context)\\.ts$', '^src/seed/'],
      },
    },
    {
      name: 'module-not-composition',
      severity: 'error',
      comment:
        "A module sees its own tables only: it does not import the composition's whole-schema types or the registry.",
      from: { path: '^src/modules/' },
      to: { path: ['^src/(server|modules|main|cli|db|context)\\.ts$', '^src/seed/'] },
    },
    {
      name: 'no-runtime-cycle',
      severity: 'error',
      comment:
        'A cycle of runtime imports makes start-up order fragile (a value read before it is set); break it, e.g. by moving the shared piece down or passing it in.',
      from: {},
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '\\.test\\.ts$'] },
    // Type-only imports are seen (and marked 'type-only') so that the cycle rule can leave them out.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
