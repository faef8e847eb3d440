import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ViciniStack, type FunctionName } from './vicini-stack.js';

const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/**
 * Synthesizes the stack into `outdir`, bundling every Lambda as `cdk deploy`
 * would, and returns each function's asset folder (index.mjs, its source map,
 * the network file; with `metafile`, esbuild's index.meta.json too).
 */
export function synthBundles(
  outdir: string,
  options: { metafile?: boolean } = {},
): Record<FunctionName, string> {
  const app = new App({ outdir, context: cdkJson.context });
  const stack = new ViciniStack(app, 'Vicini', { bundleMetafile: options.metafile });
  const template = app.synth().getStackArtifact(stack.artifactId).template as {
    Resources: Record<string, { Properties: { Code?: { S3Key?: string } } }>;
  };
  const dirs = {} as Record<FunctionName, string>;
  for (const [name, fn] of Object.entries(stack.functions) as [
    FunctionName,
    (typeof stack.functions)[FunctionName],
  ][]) {
    const key = template.Resources[stack.getLogicalId(fn.node.defaultChild as never)]?.Properties.Code?.S3Key;
    if (!key) throw new Error(`No asset for ${name}`);
    dirs[name] = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  }
  return dirs;
}
