/**
 * The layering, kept by lint (`npm run lint` runs `depcruise`): the shared terms in
 * `src/model/` import nothing of ours, no folder depends on itself through others, and the
 * domain never reaches up into the entry points (`cli/`, `dashboard/`, `runtime/`).
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'A folder that depends on itself through other folders: the graph should be a line, not a knot.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      comment: 'A module that imports itself through others.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'model-imports-nothing-of-ours',
      comment: 'src/model is the bottom layer of shared terms: it imports only libraries.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/model/' },
    },
    {
      name: 'domain-not-into-entry-points',
      comment: 'Domain folders never import the command line, the dashboard or the runtime that wires them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|dashboard|runtime|demo|chaos|rehearse|workers)/' },
      to: { path: '^src/(cli|dashboard|runtime)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
