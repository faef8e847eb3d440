import { App } from 'aws-cdk-lib';
import { ViciniStack } from './vicini-stack.js';

const app = new App();
new ViciniStack(app, 'Vicini', {
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION ?? 'eu-south-1',
  },
});
app.synth();
