import { gaxios, GoogleAuth } from 'google-auth-library';

/** The OAuth scope every client of this module needs. */
export const CLOUD_PLATFORM_SCOPE =
  'https://www.googleapis.com/auth/cloud-platform';

/**
 * A transporter that sends through Node's own `fetch`. gaxios otherwise
 * loads `node-fetch` with a dynamic `import()`, which never settles under
 * Jest's module system, and native fetch is what Node 22 ships anyway.
 */
export function nativeFetchTransporter(): gaxios.Gaxios {
  return new gaxios.Gaxios({
    fetchImplementation: globalThis.fetch as never,
  });
}

/**
 * Application Default Credentials: `GOOGLE_APPLICATION_CREDENTIALS`, the
 * gcloud user's credentials, or the metadata server of GKE, Cloud Run or
 * Compute Engine (workload identity), in that order.
 *
 * @public
 */
export function createDefaultAuth(projectId?: string): GoogleAuth {
  return new GoogleAuth({
    projectId,
    scopes: [CLOUD_PLATFORM_SCOPE],
    clientOptions: { transporter: nativeFetchTransporter() },
  });
}
