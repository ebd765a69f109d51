// SigV4 signature checking, for the API layer. The code lives in src/auth/sigv4.ts, where
// the authenticator (a domain module, which may not import api/) uses it too.
export * from '../../auth/sigv4.js';
