/**
 * The layers, kept by `npm run lint` (dependency-cruiser). Imports point down:
 *   domain ← flows ← core ← app (common ← features ← dispatchers) ← adapters ← main ← functions
 * config sits beside core (environment and the network file). Channels are the
 * adapters that drive the app (they call `handleInbound`); the other adapters
 * (store, outbox, aws, metrics, system) only implement ports and never reach
 * into the app. See ARCHITECTURE.md, "Layers".
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle hides which module is below which.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'aws-lambda is types only (@types/aws-lambda).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain: rules only. It imports nothing else of the project and no Node or AWS module.',
      severity: 'error',
      from: { path: '^bot/domain/' },
      to: { pathNot: ['^bot/domain/', '^node_modules/(zod|luxon|ngeohash)/'] },
    },
    {
      name: 'flows-below-core',
      severity: 'error',
      from: { path: '^bot/flows/' },
      to: { pathNot: ['^bot/(domain|flows)/', '^node_modules/(zod|luxon)/'] },
    },
    {
      name: 'core-is-ports',
      comment:
        'core: ports and shared types; it knows domain, flows and the locales (read from disk by i18n.ts), nothing above.',
      severity: 'error',
      from: { path: '^bot/core/' },
      to: {
        pathNot: ['^bot/(domain|flows|core)/', '^locales/', '^node_modules/(i18next|zod)/', '^(node:)?fs$'],
      },
    },
    {
      name: 'config-is-low',
      severity: 'error',
      from: { path: '^bot/config/' },
      to: { path: '^bot/(flows|app|adapters|main)/' },
    },
    {
      name: 'app-uses-ports-not-adapters',
      comment: 'use cases reach the world only through the ports in core.',
      severity: 'error',
      from: { path: '^bot/app/' },
      to: { path: ['^bot/(adapters|main|config)/', '^node_modules/(@aws-sdk|grammy)/', '^(node:)?fs$'] },
    },
    {
      name: 'app-common-is-below-features',
      severity: 'error',
      from: { path: '^bot/app/common/' },
      to: { path: '^bot/app/(?!common/)' },
    },
    {
      name: 'features-below-dispatchers',
      comment: 'handle-inbound.ts and tick.ts dispatch to the features; no feature imports them.',
      severity: 'error',
      from: { path: '^bot/app/[^/]+/' },
      to: { path: '^bot/app/[^/]+[.]ts$' },
    },
    {
      name: 'driven-adapters-implement-ports',
      severity: 'error',
      from: { path: '^bot/adapters/(store|outbox|aws|metrics|system)' },
      to: { path: ['^bot/(app|main)/', '^bot/adapters/channels/'] },
    },
    {
      name: 'channels-do-not-know-each-other',
      severity: 'error',
      from: { path: '^bot/adapters/channels/(telegram|whatsapp)/' },
      to: { path: '^bot/adapters/channels/(telegram|whatsapp)/', pathNot: '^bot/adapters/channels/$1/' },
    },
    {
      name: 'adapters-below-main',
      severity: 'error',
      from: { path: '^bot/adapters/' },
      to: { path: '^bot/main/' },
    },
    {
      name: 'bot-stands-alone',
      comment: 'the bot imports none of its entry points, tools or tests.',
      severity: 'error',
      from: { path: '^bot/' },
      to: { path: '^(functions|simulator|test|bench|infra)/' },
    },
    {
      name: 'bench-not-from-tests',
      severity: 'error',
      from: { path: '^(bench|functions|infra|simulator)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk[.]out|coverage)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
