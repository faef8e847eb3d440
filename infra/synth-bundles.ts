import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { ViciniStack, type FunctionName } from './vicini-stack.js';

const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/**
 * Synthesizes the stack (WhatsApp on) into `outdir`, bundling every Lambda as `cdk deploy`
 * would, and returns each function's asset folder (index.mjs, its source map,
 * the network file; with `metafile`, esbuild's index.meta.json too).
 */
export function synthBundles(
  outdir: string,
  options: { metafile?: boolean } = {},
): Record<FunctionName, string> {
  const app = new App({ outdir, context: cdkJson.context });
  // WhatsApp on, so every function there is has its bundle.
  const stack = new ViciniStack(app, 'Vicini', { bundleMetafile: options.metafile, whatsapp: true });
  const template = app.synth().getStackArtifact(stack.artifactId).template as {
    Resources: Record<string, { Properties: { Code?: { S3Key?: string } } }>;
  };
  const dirs = {} as Record<FunctionName, string>;
  for (const [name, fn] of Object.entries(stack.functions) as [FunctionName, NodejsFunction][]) {
    const key = template.Resources[stack.getLogicalId(fn.node.defaultChild as never)]?.Properties.Code?.S3Key;
    if (!key) throw new Error(`No asset for ${name}`);
    dirs[name] = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  }
  return dirs;
}
