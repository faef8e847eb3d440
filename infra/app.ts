import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ViciniStack } from './vicini-stack.js';
import { deployRegion } from './region.js';
import { tickScale } from './tick-scale.js';
import { channels } from './channels.js';

const app = new App();
const allowed = (app.node.tryGetContext('vicini:allowedRegions') as string[] | undefined) ?? [];
new ViciniStack(app, 'Vicini', {
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: deployRegion(
      process.env.VICINI_REGION ?? (app.node.tryGetContext('region') as string | undefined),
      allowed,
    ),
  },
  ...tickScale((key) => app.node.tryGetContext(key)),
  ...channels((key) => app.node.tryGetContext(key)),
});
// cdk-nag's AwsSolutions pack on every synth and deploy: an unacknowledged finding stops it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
