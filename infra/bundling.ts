import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { chartFiles } from '../bot/adapters/charts/resvg.js';
import { languageCodes as langs } from '../bot/domain/network.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const lockFile = fileURLToPath(new URL('../package-lock.json', import.meta.url));

/** An entry point under functions/. */
export const entry = (name: string): string =>
  fileURLToPath(new URL(`../functions/${name}.ts`, import.meta.url));

const shim = (name: string) => fileURLToPath(new URL(`./shims/${name}.ts`, import.meta.url));

/**
 * esbuild options every Lambda bundle shares: ESM for Node 22, minified, with
 * source maps (without the sources, to keep them small; Node runs without
 * `--enable-source-maps`, and bot/adapters/stack-traces.ts reads the map only
 * when a stack is printed), UTF-8 left as it is
 * (escaping it would write each Ukrainian or Arabic letter of the locales in
 * six bytes). grammY is taken in its web build (one ES module on Node's own
 * `fetch`), not its Node build with node-fetch 2 and debug; the SDK's credential
 * chain is a shim (infra/shims/) answering from the environment, as Lambda
 * provides it, and so are its event streams, which no call of the bot uses.
 * The banner gives the bundle a `require` for any CommonJS dependency that
 * calls it (none does today). The AWS SDK is bundled too, not
 * taken from the runtime, so the bundle runs the versions the tests ran (and
 * imports faster here).
 * The network file is read at start-up from the bundle's folder, and so are the
 * locale files (bot/core/i18n.ts: each language parsed on first use, not carried
 * in the bundle as JavaScript); with `charts`, the chart renderer's WebAssembly
 * and font (3.2 MB) are copied there too.
 */
export function bundling(
  networkFile: string,
  options: { metafile?: boolean; charts?: boolean } = {},
): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: 'node22',
    minify: true,
    // No `keepNames` (about 47 KB of `__name` calls): every error class the logs name sets its own `name`.
    keepNames: false,
    sourceMap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    externalModules: [],
    banner:
      "import { createRequire as __vicini_cr } from 'node:module'; const require = __vicini_cr(import.meta.url);",
    esbuildArgs: {
      // NodejsFunction's own `charset` option is not passed to esbuild by this CDK version.
      '--charset': 'utf8',
      '--alias:@aws-sdk/credential-provider-node': shim('credential-provider-node'),
      // Event streams: no operation the bot calls has one (infra/shims/event-streams.ts).
      '--alias:@smithy/core/event-streams': shim('event-streams'),
      // grammY's web build (one ES module on the global fetch), not its Node build with node-fetch 2 and debug.
      '--alias:grammy': createRequire(import.meta.url).resolve('grammy/web'),
    },
    define: {
      // The locale files' folder, relative to the bundle (bot/core/i18n.ts).
      'process.env.VICINI_LOCALES_DIR': JSON.stringify('./locales/'),
      // The source map beside the bundle, read when a stack is first printed (functions/aws.ts), not at cold start.
      'process.env.VICINI_SOURCE_MAP': JSON.stringify('./index.mjs.map'),
    },
    metafile: options.metafile ?? false,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => [
        `mkdir -p "${outputDir}/network"`,
        `cp "${inputDir}/${networkFile}" "${outputDir}/${networkFile}"`,
        ...langs.flatMap((lang) => [
          `mkdir -p "${outputDir}/locales/${lang}"`,
          `cp "${inputDir}/locales/${lang}/translation.json" "${outputDir}/locales/${lang}/translation.json"`,
        ]),
        // The chart renderer's WebAssembly and its font, read beside the bundle (adapters/charts/resvg.ts).
        ...(options.charts
          ? [
              `cp "${inputDir}/node_modules/@resvg/resvg-wasm/index_bg.wasm" "${outputDir}/${chartFiles.wasm}"`,
              `cp "${inputDir}/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf" "${outputDir}/${chartFiles.font}"`,
            ]
          : []),
      ],
    },
  };
}
