/**
 * A Signature Version 4 check for the local endpoints the CLI talks to, written from the signing process as the IAM
 * User Guide describes it ("Create a signed AWS API request": canonical request, string to sign, the HMAC chain of
 * date, region, service and "aws4_request", docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-
 * request.html), independently of the signer the CLI bundles. It recomputes the signature with the secret the test
 * gave the CLI. What it cannot do is verify a signature the way AWS does: agreeing with this reading of the process is
 * not proof that API Gateway or CloudFormation would accept the request.
 */
import { createHash, createHmac } from 'node:crypto';

export interface SignedRequest {
  readonly method: string;
  /** Path and query, as received (`/callbacks?limit=100`). */
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export type SignatureCheck =
  | { readonly ok: true; readonly accessKeyId: string; readonly region: string; readonly service: string; readonly signedHeaders: string[] }
  | { readonly ok: false; readonly reason: string };

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding, as SigV4 wants it: everything but unreserved characters, %XX upper case. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function header(request: SignedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Checks the shape of the request's signature and recomputes it with `secretFor(accessKeyId)`. */
export function checkSignature(request: SignedRequest, secretFor: (accessKeyId: string) => string | undefined): SignatureCheck {
  const authorization = header(request, 'authorization');
  const match = authorization === undefined ? null : AUTHORIZATION.exec(authorization);
  if (!match) return { ok: false, reason: `no SigV4 Authorization header: ${authorization ?? '(none)'}` };
  const [, accessKeyId, date, region, service, signedHeaderList, signature] = match;
  const amzDate = header(request, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(date)) return { ok: false, reason: `x-amz-date ${amzDate} does not match the credential date ${date}` };
  const signedHeaders = signedHeaderList.split(';');
  for (const required of ['host', 'x-amz-date', ...(header(request, 'x-amz-security-token') ? ['x-amz-security-token'] : [])]) {
    if (!signedHeaders.includes(required)) return { ok: false, reason: `${required} is not signed` };
  }
  if ([...signedHeaders].sort().join(';') !== signedHeaderList) return { ok: false, reason: 'SignedHeaders are not sorted' };
  const secret = secretFor(accessKeyId);
  if (secret === undefined) return { ok: false, reason: `unknown access key ${accessKeyId}` };

  const { pathname, searchParams } = new URL(request.url, 'http://localhost');
  const canonicalPath = pathname.split('/').map((segment) => encode(encode(decodeURIComponent(segment)))).join('/');
  const canonicalQuery = [...searchParams].map(([name, value]) => [encode(name), encode(value)])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1)).map(([name, value]) => `${name}=${value}`).join('&');
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(header(request, name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [request.method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaderList, sha256(request.body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  if (expected !== signature) return { ok: false, reason: 'the signature does not match the request' };
  return { ok: true, accessKeyId, region, service, signedHeaders };
}
