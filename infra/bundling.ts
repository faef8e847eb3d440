import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { chartFiles } from '../bot/adapters/charts/resvg.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const lockFile = fileURLToPath(new URL('../package-lock.json', import.meta.url));

/** An entry point under functions/. */
export const entry = (name: string): string =>
  fileURLToPath(new URL(`../functions/${name}.ts`, import.meta.url));

const shim = (name: string) => fileURLToPath(new URL(`./shims/${name}.ts`, import.meta.url));

/**
 * esbuild options every Lambda bundle shares: ESM for Node 22, minified, with
 * source maps (without the sources, to keep them small), UTF-8 left as it is
 * (escaping it would write each Ukrainian or Arabic letter of the locales in
 * six bytes). Three dependencies are swapped for shims (infra/shims/): parts
 * Node or Lambda already provides. CommonJS dependencies
 * (grammY's node-fetch, debug) call `require`, which an ES module lacks: the
 * banner provides it. The AWS SDK is bundled too, not taken from the runtime,
 * so the bundle runs the versions the tests ran (and imports faster here).
 * The network file is read at start-up from the bundle's folder; with `charts`,
 * the chart renderer's WebAssembly and font (3.2 MB) are copied there too.
 */
export function bundling(
  networkFile: string,
  options: { metafile?: boolean; charts?: boolean } = {},
): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: 'node22',
    minify: true,
    // node-fetch 2 recognises an abort signal by its class name (AbortSignal), which minifying would mangle.
    keepNames: true,
    sourceMap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    externalModules: [],
    banner:
      "import { createRequire as __vicini_cr } from 'node:module'; const require = __vicini_cr(import.meta.url);",
    esbuildArgs: {
      // NodejsFunction's own `charset` option is not passed to esbuild by this CDK version.
      '--charset': 'utf8',
      '--alias:whatwg-url': shim('whatwg-url'),
      '--alias:abort-controller': shim('abort-controller'),
      '--alias:@aws-sdk/credential-provider-node': shim('credential-provider-node'),
    },
    metafile: options.metafile ?? false,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => [
        `mkdir -p "${outputDir}/network"`,
        `cp "${inputDir}/${networkFile}" "${outputDir}/${networkFile}"`,
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
