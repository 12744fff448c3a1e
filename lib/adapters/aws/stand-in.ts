/**
 * Placeholder credentials for a local stand-in (the local Data API, dynalite): when an
 * `AWS_ENDPOINT_URL*` setting points the SDK at one and no AWS credentials are configured, the SDK
 * would refuse to sign, and a stand-in does not check. With real credentials, or no override, nothing
 * changes. `service` is the SDK's name in the setting (`RDS_DATA` for `AWS_ENDPOINT_URL_RDS_DATA`,
 * with `AWS_ENDPOINT_URL` for every service); without it, an override of any service counts.
 */
export function standInCredentials(env: Readonly<Record<string, string | undefined>>, service?: string) {
  const local =
    service === undefined
      ? Object.keys(env).some((k) => k.startsWith('AWS_ENDPOINT_URL') && env[k])
      : (env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL);
  const configured = env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  return local && !configured
    ? { credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' } }
    : {};
}
