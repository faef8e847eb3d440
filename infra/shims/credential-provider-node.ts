/**
 * The AWS SDK clients' default credential chain, as the bundles need it: Lambda hands every function its
 * role's credentials in environment variables, the first link of the SDK's own chain, which answers
 * there before any other is tried. The rest of the chain (profiles, SSO, web identity, credential_process,
 * the login provider and the nested STS/SSO clients they bring: about 140 KB minified) is never reached.
 */
export const defaultProvider =
  () => async (): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> => {
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = process.env;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
    }
    const sessionToken = process.env.AWS_SESSION_TOKEN;
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  };
