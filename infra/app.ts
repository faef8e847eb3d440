import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ViciniStack } from './vicini-stack.js';

const app = new App();
new ViciniStack(app, 'Vicini', {
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION ?? 'eu-south-1',
  },
});
// cdk-nag's AwsSolutions pack on every synth and deploy: an unacknowledged finding stops it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
