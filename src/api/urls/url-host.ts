// Function URL addresses: `http://<url-id>.lambda-url.<region>.localhost:<port>/`, Lambda's
// `<url-id>.lambda-url.<region>.on.aws` under `.localhost`, which browsers and curl resolve
// to loopback (RFC 6761 §6.3), so every URL is reachable on the platform's one port.

const URL_HOST = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\.localhost\.?(?::\d+)?$/;

export interface UrlHost {
  readonly urlId: string;
  readonly region: string;
}

/** `<url-id>.lambda-url.<region>.localhost`: requestContext.domainName (no port, as on AWS). */
export function urlDomain(urlId: string, region: string): string {
  return `${urlId}.lambda-url.${region}.localhost`;
}

/** The FunctionUrl the Lambda API reports. */
export function functionUrl(urlId: string, region: string, port: number): string {
  return `http://${urlDomain(urlId, region)}:${port}/`;
}

/** The url id and region named by a Host header, if it is a function URL host. */
export function parseUrlHost(host: string | undefined): UrlHost | undefined {
  if (host === undefined) return undefined;
  const match = URL_HOST.exec(host.toLowerCase());
  return match ? { urlId: match[1] as string, region: match[2] as string } : undefined;
}
