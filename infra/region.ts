/**
 * Where the stack may go: elders' data stays in the EU. The region must be given explicitly
 * (VICINI_REGION, or `-c region=…`): the CDK CLI otherwise fills in the profile's region, or
 * us-east-1. An EU region passes; any other only if listed in cdk.json's `vicini:allowedRegions`
 * (a documented exception, e.g. for a test account).
 */
export class RegionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegionError';
  }
}

export function deployRegion(given: string | undefined, allowed: readonly string[] = []): string {
  const region = given?.trim();
  if (!region)
    throw new RegionError(
      'No region given: set VICINI_REGION (e.g. VICINI_REGION=eu-south-1 npm run synth) or pass -c region=eu-south-1. ' +
        "Vicini keeps elders' data in the EU; the CLI's default region is not used.",
    );
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw new RegionError(`"${region}" is not an AWS region name.`);
  if (region.startsWith('eu-') || allowed.includes(region)) return region;
  throw new RegionError(
    `Region ${region} is outside the EU: set VICINI_REGION to an EU region (e.g. eu-south-1), ` +
      'or add it to "vicini:allowedRegions" in cdk.json with the reason next to it.',
  );
}
